import type { Document } from 'bson';

/** A stored document: plain objects holding the BSON classes `BSON.deserialize` produces. */
export type Doc = Document;

interface BsonValue {
  _bsontype: string;
  toString(encoding?: string): string;
}

export function bsonType(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && '_bsontype' in value)
    return (value as BsonValue)._bsontype;
  return undefined;
}

export function isPlainObject(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/** True for `{ $gt: 1 }`-style operator objects, false for embedded documents. */
export function isOperatorObject(value: unknown): value is Document {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

/**
 * A string that is equal for values MongoDB treats as equal in an index (1, 1.0 and Long(1) alike),
 * so unique checks and equality lookups are Map hits instead of comparisons.
 */
export function valueKey(value: unknown): string {
  if (value === null || value === undefined) return 'z';
  switch (typeof value) {
    case 'number':
      return `n${value}`;
    case 'string':
      return `s${value}`;
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'bigint':
      return `n${value}`;
    case 'object':
      break;
    default:
      return `?${typeof value}`;
  }
  if (value instanceof Date) return `t${value.getTime()}`;
  if (value instanceof RegExp) return `r${String(value)}`;
  if (Array.isArray(value)) return `[${value.map(valueKey).join(',')}]`;
  const type = bsonType(value);
  if (type === 'ObjectId') return `o${(value as BsonValue).toString()}`;
  if (type === 'Long' || type === 'Int32' || type === 'Double' || type === 'Decimal128') {
    return `n${(value as BsonValue).toString()}`;
  }
  if (type === 'Binary' || type === 'UUID') return `x${(value as BsonValue).toString('base64')}`;
  if (type) return `${type}:${(value as BsonValue).toString()}`;
  const fields = Object.entries(value as Document).map(
    ([field, v]) => `${JSON.stringify(field)}:${valueKey(v)}`,
  );
  return `{${fields.join(',')}}`;
}

/**
 * Values at a dotted path, expanding arrays the way multikey indexes and distinct do:
 * `{ a: [{ b: 1 }, { b: [2, 3] }] }` at `a.b` gives [1, 2, 3]; a missing field or empty array gives [undefined].
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const dot = path.indexOf('.');
  const head = dot === -1 ? path : path.slice(0, dot);
  if (Array.isArray(doc)) {
    if (/^\d+$/.test(head)) return valuesAtPath(doc[Number(head)], dot === -1 ? '' : path.slice(dot + 1));
    return doc.flatMap((item) => valuesAtPath(item, path));
  }
  if (path === '') return [doc];
  if (doc === null || typeof doc !== 'object') return [undefined];
  const next = (doc as Document)[head];
  if (dot !== -1) return valuesAtPath(next, path.slice(dot + 1));
  if (Array.isArray(next)) return next.length ? next : [undefined];
  return [next];
}

/** Sets a dotted path, creating intermediate objects (upsert seeds and `$setOnInsert` need this). */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let target: Document = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(target[part]) && !Array.isArray(target[part])) target[part] = {};
    target = target[part] as Document;
  }
  target[parts[parts.length - 1]] = value;
}

/** Deep copy that keeps BSON value objects (immutable in practice) shared and copies containers. */
export function cloneDoc<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneDoc) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const copy: Document = {};
    for (const key of Object.keys(value)) copy[key] = cloneDoc(value[key]);
    return copy as T;
  }
  return value;
}
