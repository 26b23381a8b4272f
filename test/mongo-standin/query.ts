import type { Document } from 'bson';
import { Aggregator, Query } from 'mingo';
import { type Collection, type IndexLookup, holdsUncomparable } from './collection';
import { CommandError, badValue, notSupported } from './errors';
import { type FilterShape, analyzeFilter, matchesEqualities } from './planner';
import { type Doc, isPlainObject, valueKey } from './values';

export interface FindSpec {
  filter?: Document;
  sort?: Document;
  skip?: number;
  /** 0 or undefined: no limit. */
  limit?: number;
  projection?: Document;
  /** An index name or key pattern, or `{ $natural: ±1 }`: checked by checkHint. */
  hint?: unknown;
}

/** Compiles a filter with mingo, rewording its errors the way the server words them. */
export function compileFilter(filter: Document): Query {
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
  try {
    return new Query(filter, {});
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /unknown query operator (\S+)/.exec(message);
    throw badValue(unknown ? `unknown operator: ${unknown[1]}` : message);
  }
}

/**
 * Matching documents after sort, skip, limit and projection. Without a projection the stored objects
 * themselves come back (no copies): callers must treat them as read-only.
 */
export function findDocuments(collection: Collection | undefined, spec: FindSpec): Doc[] {
  const filter = spec.filter ?? {};
  if (spec.sort) validateSort(spec.sort);
  guardComparisons(collection, filter, spec.sort);
  const natural = checkHint(collection, spec.hint);
  if (!collection) {
    // Compiled anyway, so a bad filter fails the same way whether data exists or not.
    compileFilter(filter);
    return [];
  }
  const shape = analyzeFilter(filter);
  const lookup = collection.candidates(filter, shape);
  const projects = spec.projection !== undefined && Object.keys(spec.projection).length > 0;
  const sorts = spec.sort !== undefined && Object.keys(spec.sort).length > 0;
  // The hot path (findOne by _id or a unique key): the index answered exactly, nothing left for mingo to do.
  if (lookup?.exact && !sorts && !projects) {
    const docs = natural === -1 ? [...lookup.docs].reverse() : lookup.docs;
    const skip = spec.skip ?? 0;
    const end = spec.limit ? skip + spec.limit : undefined;
    const answer = skip || end !== undefined ? docs.slice(skip, end) : docs;
    collection.counters.docsExamined += answer.length;
    return answer;
  }
  const cursor = new Query({}, {}).find<Doc>(
    matchingDocuments(collection, filter, natural, shape, lookup),
    spec.projection ?? {},
  );
  if (sorts) cursor.sort(spec.sort!);
  if (spec.skip) cursor.skip(spec.skip);
  if (spec.limit) cursor.limit(spec.limit);
  try {
    return cursor.all();
  } catch (error) {
    throw badValue(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Documents matching `filter`, lazily, in natural order (reversed for `{ $natural: -1 }`): from an
 * index's candidates when one applies, else from every document (a collection scan). Each document
 * looked at counts in the collection's docsExamined. mingo matches; MongoDB's equality is then checked
 * on the filter's equalities (see matchesEqualities), which a lookup applies by construction, so a
 * scan and a lookup always return the same documents.
 */
export function matchingDocuments(
  collection: Collection,
  filter: Document,
  natural?: 1 | -1,
  shape: FilterShape = analyzeFilter(filter),
  lookup: IndexLookup | undefined = collection.candidates(filter, shape),
): Iterable<Doc> {
  const query = compileFilter(filter);
  const { counters } = collection;
  if (!lookup) counters.collectionScans += 1;
  let docs: Iterable<Doc> = lookup?.docs ?? collection.documents();
  if (natural === -1) docs = [...docs].reverse();
  const { equalities } = shape;
  return (function* () {
    for (const doc of docs) {
      counters.docsExamined += 1;
      if (query.test(doc) && matchesEqualities(doc, equalities)) yield doc;
    }
  })();
}

/** Applies a find-style projection to one document (findAndModify's `fields`). */
export function project(doc: Doc, projection: Document | undefined): Doc {
  if (!projection || Object.keys(projection).length === 0) return doc;
  return new Query({}, {}).find<Doc>([doc], projection).all()[0];
}

/** Sorts plain values in MongoDB's order, reusing mingo's comparison rules (distinct needs it). */
export function sortValues(values: unknown[]): unknown[] {
  return new Aggregator([{ $sort: { v: 1 } }], {}).run(values.map((v) => ({ v }))).map((row) => row.v);
}

const NO_SUCH_HINT = 'hint provided does not correspond to an existing index';

/**
 * Checks a hint like the query planner: it must name an existing (not hidden) index by name or key
 * pattern, or be `{ $natural: 1 | -1 }`, whose direction is returned. Every plan gives the same answer
 * except from a sparse or partial index, which would leave documents out: such hints are refused.
 * A missing collection has no plan to hint, so, as on the server, any hint is accepted there.
 */
export function checkHint(collection: Collection | undefined, hint: unknown): 1 | -1 | undefined {
  if (hint === undefined || hint === null || hint === '') return undefined;
  if (isPlainObject(hint) && Object.keys(hint).length === 0) return undefined;
  if (isPlainObject(hint) && '$natural' in hint) {
    const direction = hint.$natural;
    if (Object.keys(hint).length !== 1 || (direction !== 1 && direction !== -1)) {
      throw badValue(
        `$natural hint must be { $natural: 1 } or { $natural: -1 }, got ${JSON.stringify(hint)}`,
      );
    }
    return direction;
  }
  if (typeof hint !== 'string' && !isPlainObject(hint)) throw badValue('hint must be a string or an object');
  if (!collection) return undefined;
  const index = collection.indexes.find((candidate) =>
    typeof hint === 'string' ? candidate.name === hint : valueKey(candidate.keyPattern) === valueKey(hint),
  );
  if (!index || index.spec.hidden === true) throw badValue(NO_SUCH_HINT);
  if (!index.coversAllDocuments) {
    throw notSupported(
      `a hint of the sparse or partial index "${index.name}" (the server would answer from that index alone)`,
    );
  }
  return undefined;
}

function validateSort(sort: Document): void {
  if (!isPlainObject(sort)) throw badValue('sort must be an object');
  for (const [field, direction] of Object.entries(sort)) {
    if (direction !== 1 && direction !== -1) {
      throw badValue(
        `$sort key ordering must be 1 (for ascending) or -1 (for descending); got ${JSON.stringify(direction)} for "${field}"`,
      );
    }
  }
}

/**
 * mingo orders Decimal128, Long and Timestamp by their string form ("10" < "9"). Rather than give a
 * silently wrong answer, refuse any filter, sort, update or pipeline that uses such values or touches
 * a top-level field that has held one. Round-tripping them (insert, find by other fields) still works.
 */
export function guardComparisons(collection: Collection | undefined, ...specs: unknown[]): void {
  for (const spec of specs) {
    if (holdsUncomparable(spec)) throw uncomparable('a value in the command');
  }
  if (!collection || collection.uncomparableRoots.size === 0) return;
  const roots = new Set<string>();
  for (const spec of specs) referencedRoots(spec, roots);
  for (const root of roots) {
    if (collection.uncomparableRoots.has(root)) throw uncomparable(`field "${root}" of ${collection.ns}`);
  }
}

function uncomparable(where: string): CommandError {
  return badValue(
    `the mongo stand-in cannot compare Decimal128, Timestamp or int64 values beyond 2^53 (${where}); ` +
      'store them as plain numbers or run against a real MongoDB (MONGO_URL)',
  );
}

/** Top-level field names a filter, sort or pipeline may read: keys and `"$field"` strings, conservatively. */
function referencedRoots(spec: unknown, roots: Set<string>): void {
  if (typeof spec === 'string') {
    if (spec.startsWith('$') && !spec.startsWith('$$')) roots.add(spec.slice(1).split('.')[0]);
  } else if (Array.isArray(spec)) {
    for (const item of spec) referencedRoots(item, roots);
  } else if (isPlainObject(spec)) {
    for (const [key, value] of Object.entries(spec)) {
      if (!key.startsWith('$')) roots.add(key.split('.')[0]);
      referencedRoots(value, roots);
    }
  }
}
