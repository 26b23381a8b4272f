import type { Document } from 'bson';
import { indexKey } from './index-keys';
import type { Index } from './indexes';
import { type Doc, bsonType, isOperatorObject, isPlainObject, valuesAtPath } from './values';

/**
 * Which documents a filter can match, read from its top level and its `$and`s (a filter is the
 * conjunction of those, so any one condition narrows the candidates soundly; `$or`, `$nor`, `$expr` …
 * are left to the matcher).
 */
export interface FilterShape {
  /** `path: v`, `path: { $eq: v }`, `path: { $in: [...] }`: the holder of the path must equal a key. */
  equalities: Equality[];
  /** Paths a matching document must hold a value at: typed ranges (`$lte: date`) and equalities. */
  present: Set<string>;
  /**
   * Every top-level entry is a top-level field (no dots) compared with `$eq`/`$in`/a value that is a
   * string, number, boolean, Date or ObjectId. An index key lookup is then exactly MongoDB's match.
   */
  simple: boolean;
}

export interface Equality {
  path: string;
  keys: Set<string>;
}

/** How to find the candidates: an index lookup by key (or prefix), or every member of a sparse index. */
export interface Plan {
  index: Index;
  /** One `indexKey` list per lookup, each as long as the equality prefix; absent: all the index holds. */
  lookups?: string[][];
  /** How many documents the plan yields, at most (multikey documents may count more than once). */
  estimate: number;
  /** The lookup answers the filter by itself: nothing is left for the matcher. */
  exact: boolean;
}

/** Equality lookups with more key combinations than this are not worth it: the collection is scanned. */
const MAX_LOOKUPS = 100_000;
/** `$gt: 5` and the like only match a value of the operand's type, so never a missing field. */
const RANGE_OPERATORS = ['$gt', '$gte', '$lt', '$lte'];

export function analyzeFilter(filter: Document): FilterShape {
  const shape: FilterShape = { equalities: [], present: new Set(), simple: true };
  collect(filter, shape, true);
  return shape;
}

function collect(filter: Document, shape: FilterShape, topLevel: boolean): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(condition)) {
      shape.simple = false;
      for (const clause of condition) if (isPlainObject(clause)) collect(clause, shape, false);
      continue;
    }
    if (key.startsWith('$') || !indexablePath(key)) {
      shape.simple = false;
      continue;
    }
    const equal = equalityValues(condition);
    const simple = topLevel && !key.includes('.') && simpleEquality(condition, equal);
    if (!simple) shape.simple = false;
    for (const values of equal) {
      shape.equalities.push({ path: key, keys: new Set(values.map(indexKey)) });
      shape.present.add(key);
    }
    if (isOperatorObject(condition) && RANGE_OPERATORS.some((op) => typedOperand(condition[op]))) {
      shape.present.add(key);
    }
  }
}

/**
 * Paths whose values `valuesAtPath` finds the way MongoDB's matcher does. A numeric component (`a.0`) is
 * both an array position and a field name on the server, so such paths are left to the matcher.
 */
export function indexablePath(path: string): boolean {
  return path.split('.').every((part) => part !== '' && !part.startsWith('$') && !/^\d+$/.test(part));
}

/** The value lists a condition requires equality with: none when it is not a plain equality. */
function equalityValues(condition: unknown): unknown[][] {
  if (!isOperatorObject(condition)) return lookupable(condition) ? [[condition]] : [];
  const lists: unknown[][] = [];
  if ('$eq' in condition && lookupable(condition.$eq)) lists.push([condition.$eq]);
  const within = condition.$in;
  if (Array.isArray(within) && within.every(lookupable)) lists.push(within);
  return lists;
}

/**
 * Null (which also matches a missing field), arrays (which also match as a whole), regexes (which match
 * strings) and operator objects follow match rules a key lookup does not reproduce.
 */
function lookupable(value: unknown): boolean {
  if (value === null || value === undefined || Array.isArray(value) || value instanceof RegExp) return false;
  const type = bsonType(value);
  if (type === 'BSONRegExp' || type === 'MinKey' || type === 'MaxKey') return false;
  if (isPlainObject(value)) return !Object.keys(value).some((key) => key.startsWith('$'));
  return true;
}

function simpleEquality(condition: unknown, lists: unknown[][]): boolean {
  if (lists.length !== 1) return false;
  if (isOperatorObject(condition) && Object.keys(condition).length !== 1) return false;
  return lists[0].every(
    (value) =>
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      value instanceof Date ||
      bsonType(value) === 'ObjectId',
  );
}

/** Operands whose range comparisons can only match a value of their own (non-null) type. */
function typedOperand(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value instanceof Date ||
    bsonType(value) === 'ObjectId'
  );
}

/**
 * The cheapest index plan for a filter, if any: an equality lookup on the longest prefix of an index's
 * fields the filter fixes, or, for a sparse index, all its documents when the filter requires one of its
 * fields (a sparse index only leaves out documents missing every field). Partial indexes leave out
 * documents by their filter, and hidden ones are not for queries: neither is used.
 */
export function choosePlan(indexes: readonly Index[], shape: FilterShape): Plan | undefined {
  if (shape.equalities.length === 0 && shape.present.size === 0) return undefined;
  let best: Plan | undefined;
  for (const index of indexes) {
    if (index.isPartial || index.hidden || !index.fields.every(indexablePath)) continue;
    const plan = equalityPlan(index, shape) ?? sparsePlan(index, shape);
    if (plan && (!best || plan.estimate < best.estimate)) best = plan;
  }
  return best;
}

function equalityPlan(index: Index, shape: FilterShape): Plan | undefined {
  const perField: Set<string>[] = [];
  for (const field of index.fields) {
    let narrowest: Set<string> | undefined;
    for (const { path, keys } of shape.equalities) {
      if (path === field && (!narrowest || keys.size < narrowest.size)) narrowest = keys;
    }
    if (!narrowest) break;
    perField.push(narrowest);
  }
  if (perField.length === 0) return undefined;
  let lookups: string[][] = [[]];
  for (const keys of perField) {
    if (lookups.length * keys.size > MAX_LOOKUPS) return undefined;
    lookups = lookups.flatMap((prefix) => [...keys].map((key) => [...prefix, key]));
  }
  let estimate = 0;
  for (const lookup of lookups) estimate += index.count(lookup);
  const exact = shape.simple && shape.equalities.length === perField.length;
  return { index, lookups, estimate, exact };
}

function sparsePlan(index: Index, shape: FilterShape): Plan | undefined {
  const members = index.memberIds;
  if (!members || !index.fields.some((field) => shape.present.has(field))) return undefined;
  return { index, estimate: members.size, exact: false };
}

/** The ids a plan yields, without duplicates. */
export function planIds(plan: Plan): Set<string> {
  if (!plan.lookups) return new Set(plan.index.memberIds);
  const ids = new Set<string>();
  for (const lookup of plan.lookups) plan.index.collectIds(lookup, ids);
  return ids;
}

/**
 * MongoDB's equality for the filter's equalities, applied on top of mingo's matching, which disagrees
 * in two places: it compares embedded documents regardless of field order and binary data regardless
 * of subtype. Scans and index lookups both apply it, so they always return the same documents.
 */
export function matchesEqualities(doc: Doc, equalities: readonly Equality[]): boolean {
  return equalities.every(({ path, keys }) =>
    valuesAtPath(doc, path).some((value) => value !== undefined && keys.has(indexKey(value))),
  );
}
