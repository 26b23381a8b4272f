import { type Document, ObjectId, Timestamp } from 'bson';
import { Aggregator, update as mingoUpdate } from 'mingo';
import { CommandError, badValue } from './errors';
import { type Doc, cloneDoc, isOperatorObject, isPlainObject, setPath, valueKey } from './values';

/** Update operators the stand-in applies; mingo does the work except for the two it lacks or gets wrong. */
const UPDATE_OPERATORS = new Set([
  '$set',
  '$setOnInsert',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$unset',
  '$rename',
  '$currentDate',
  '$push',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$pop',
]);

/** Operators that compare or do arithmetic: see guardComparisons. */
export const ARITHMETIC_OPERATORS = ['$inc', '$mul', '$min', '$max'];

export type UpdateKind = 'operators' | 'replacement' | 'pipeline';

export function classifyUpdate(update: unknown): UpdateKind {
  if (Array.isArray(update)) return 'pipeline';
  if (!isPlainObject(update))
    throw new CommandError(9, 'FailedToParse', 'update must be an object or a pipeline');
  const keys = Object.keys(update);
  const operators = keys.filter((key) => key.startsWith('$'));
  if (operators.length === 0) return 'replacement';
  if (operators.length !== keys.length) {
    const field = keys.find((key) => !key.startsWith('$'))!;
    throw new CommandError(
      9,
      'FailedToParse',
      `Unknown modifier: ${field}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  for (const operator of operators) {
    if (!UPDATE_OPERATORS.has(operator)) {
      throw new CommandError(
        9,
        'FailedToParse',
        `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
  }
  return 'operators';
}

export interface UpdateOptions {
  arrayFilters?: Document[];
  /** The statement's filter: positional `$` updates need it to find the matched element. */
  filter?: Document;
  /** True on the insert branch of an upsert, where `$setOnInsert` applies and `_id` may be set. */
  inserting?: boolean;
}

/** Returns the updated copy of `current` (never mutating it) and whether anything changed. */
export function applyUpdate(
  current: Doc,
  update: Document | Document[],
  options: UpdateOptions = {},
): { doc: Doc; modified: boolean } {
  const kind = classifyUpdate(update);
  let next: Doc;
  let modified: boolean;
  if (kind === 'pipeline') {
    next = runUpdatePipeline(cloneDoc(current), update as Document[]);
    if (next._id === undefined && current._id !== undefined) next = { _id: current._id, ...next };
    modified = valueKey(next) !== valueKey(current);
  } else if (kind === 'replacement') {
    const replacement = update as Document;
    next = current._id === undefined ? { ...replacement } : { _id: current._id, ...replacement };
    modified = valueKey(next) !== valueKey(current);
  } else {
    next = cloneDoc(current);
    const modifier = operatorModifier(update, options.inserting === true);
    modified = Object.keys(modifier).length > 0 && applyOperators(next, modifier, options).length > 0;
  }
  if (!options.inserting && current._id !== undefined && valueKey(next._id) !== valueKey(current._id)) {
    throw new CommandError(
      66,
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return { doc: next, modified };
}

/**
 * The document an upsert inserts: equality fields of the filter (`f: v`, `f: { $eq: v }`, inside `$and`)
 * seed it, then the update applies with `$setOnInsert`; a replacement keeps only the filter's `_id`.
 */
export function upsertDocument(filter: Document, update: Document | Document[], options: UpdateOptions): Doc {
  const seed = seedFromFilter(filter);
  let doc: Doc;
  if (classifyUpdate(update) === 'replacement') {
    const replacement = update as Document;
    doc =
      replacement._id === undefined && seed._id !== undefined
        ? { _id: seed._id, ...replacement }
        : { ...replacement };
  } else {
    doc = applyUpdate(seed, update, { ...options, filter, inserting: true }).doc;
  }
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  if (Object.keys(doc)[0] !== '_id') {
    const { _id, ...rest } = doc;
    return { _id, ...rest };
  }
  return doc;
}

function seedFromFilter(filter: Document, seed: Doc = {}): Doc {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value as Document[]) seedFromFilter(clause, seed);
    } else if (key.startsWith('$') || value instanceof RegExp) {
      continue;
    } else if (isOperatorObject(value)) {
      if ('$eq' in value) setPath(seed, key, cloneDoc(value.$eq));
    } else {
      setPath(seed, key, cloneDoc(value));
    }
  }
  return seed;
}

/**
 * mingo has no `$setOnInsert`, and its `$currentDate` writes a number for timestamps; both become `$set`.
 * On the update branch of an upsert `$setOnInsert` is simply dropped.
 */
function operatorModifier(update: Document, inserting: boolean): Document {
  const { $setOnInsert, $currentDate, ...modifier } = update as Record<string, Document | undefined>;
  const extraSets: Document = {};
  for (const [field, spec] of Object.entries($currentDate ?? {})) {
    if (spec === true || (isPlainObject(spec) && spec.$type === 'date')) extraSets[field] = new Date();
    else if (isPlainObject(spec) && spec.$type === 'timestamp')
      extraSets[field] = new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 });
    else throw badValue(`$currentDate: "${field}" must be true or { $type: "date" | "timestamp" }`);
  }
  if (inserting && $setOnInsert) Object.assign(extraSets, $setOnInsert);
  if (Object.keys(extraSets).length) modifier.$set = { ...modifier.$set, ...extraSets };
  return modifier;
}

/**
 * On a missing field mingo's `$push`/`$addToSet` with `$each` store the raw list, ignoring `$sort`,
 * `$slice` and uniqueness; starting from an empty array gives the server's result.
 */
function seedArrays(doc: Doc, modifier: Document): boolean {
  let seeded = false;
  for (const operator of ['$push', '$addToSet']) {
    for (const path of Object.keys((modifier[operator] as Document | undefined) ?? {})) {
      if (path.includes('$') || !missingThroughObjects(doc, path)) continue;
      setPath(doc, path, []);
      seeded = true;
    }
  }
  return seeded;
}

/** True when the path is absent and reachable through plain objects only (no array to guess into). */
function missingThroughObjects(doc: Doc, path: string): boolean {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === undefined) return true;
    if (!isPlainObject(current)) return false;
    current = current[part];
  }
  return current === undefined;
}

function applyOperators(doc: Doc, modifier: Document, options: UpdateOptions): string[] {
  const seeded = seedArrays(doc, modifier);
  const positional = Object.values(modifier).some(
    (fields) => isPlainObject(fields) && Object.keys(fields).some((path) => /(^|\.)\$(\.|$)/.test(path)),
  );
  try {
    const changed = mingoUpdate(doc, modifier, options.arrayFilters, positional ? options.filter : undefined);
    return seeded && changed.length === 0 ? ['(seeded array)'] : changed;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('immutable field')) throw new CommandError(66, 'ImmutableField', message);
    throw badValue(message);
  }
}

function runUpdatePipeline(doc: Doc, pipeline: Document[]): Doc {
  const allowed = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0];
    if (!allowed.has(name)) throw badValue(`${name} is not allowed to be used within an update`);
  }
  return new Aggregator(pipeline, {}).run<Doc>([doc])[0];
}
