import type { Document } from 'bson';
import { Aggregator, Query } from 'mingo';
import { type Collection, holdsUncomparable } from './collection';
import { CommandError, badValue } from './errors';
import { type Doc, isPlainObject } from './values';

export interface FindSpec {
  filter?: Document;
  sort?: Document;
  skip?: number;
  /** 0 or undefined: no limit. */
  limit?: number;
  projection?: Document;
  /** `let` variables, usable as `$$name` inside `$expr`. */
  variables?: Document;
}

/** Compiles a filter with mingo, rewording its errors the way the server words them. */
export function compileFilter(filter: Document, variables?: Document): Query {
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
  try {
    return new Query(filter, variables ? { variables } : {});
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
  const lookup = collection?.candidates(filter);
  // The hot path (findOne by _id or a unique key): the index answered exactly, nothing left for mingo to do.
  const projects = spec.projection !== undefined && Object.keys(spec.projection).length > 0;
  const sorts = spec.sort !== undefined && Object.keys(spec.sort).length > 0;
  if (lookup?.exact && !sorts && !spec.skip && !projects) {
    return spec.limit ? lookup.docs.slice(0, spec.limit) : lookup.docs;
  }
  // Compiled even for a missing collection, so a bad filter fails the same way whether data exists or not.
  const query = compileFilter(filter, spec.variables);
  if (!collection) return [];
  const source = lookup?.docs ?? collection.documents();
  const cursor = query.find<Doc>(source, spec.projection ?? {});
  if (sorts) cursor.sort(spec.sort!);
  if (spec.skip) cursor.skip(spec.skip);
  if (spec.limit) cursor.limit(spec.limit);
  try {
    return cursor.all();
  } catch (error) {
    throw badValue(error instanceof Error ? error.message : String(error));
  }
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
