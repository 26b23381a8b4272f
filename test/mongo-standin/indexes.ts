import type { Document } from 'bson';
import { Query } from 'mingo';
import { CommandError } from './errors';
import { isSimpleCollation } from './options';
import { indexKey } from './index-keys';
import { type Doc, valueKey, valuesAtPath } from './values';

/** One entry an index holds for a document: the key of each field, the whole key, and the values. */
export interface IndexEntry {
  fieldKeys: string[];
  key: string;
  values: unknown[];
}

/** The documents holding one key: most keys have one, so a lone id is kept without a Set. */
type Ids = string | Set<string>;

const SEPARATOR = '\u0000';

/** Options that change what an index means; anything else in a spec (background, v, …) is inert. */
const KNOWN_OPTIONS = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'background',
  'v',
  'ns',
  // Only the simple collation (binary comparison, what the stand-in does) is accepted, then dropped.
  'collation',
  'hidden',
]);

/**
 * An ascending/descending (compound, multikey) index. Every index keeps a Map from key to document ids,
 * so unique checks and equality lookups never scan the collection; a compound index also maps each
 * leading prefix of its key (`{ a, b, c }`: `a` and `a, b`), and a sparse index the set of documents it
 * holds. Keys are `indexKey`s: equal exactly when MongoDB's equality says so.
 */
export class Index {
  readonly spec: Document;
  readonly name: string;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly expireAfterSeconds?: number;
  private readonly partial?: Query;
  /** byPrefix[p - 1]: documents by the key of their first p fields; the last one is the whole key. */
  private readonly byPrefix: Array<Map<string, Ids>>;
  /** TTL indexes only: the value of each key, to find the dates that have passed. */
  private readonly ttlValues?: Map<string, unknown>;
  /** Sparse indexes only: every document with at least one entry. */
  private readonly members?: Set<string>;

  constructor(requested: Document) {
    const { collation, ...spec } = requested;
    if (collation !== undefined && !isSimpleCollation(collation)) {
      // A collation changes which keys are equal: a strength-2 unique index must refuse "a@x" next to "A@x".
      throw new CommandError(
        67,
        'CannotCreateIndex',
        `index option collation ${JSON.stringify(collation)} is not supported by the mongo stand-in ` +
          '(strings compare binary-wise, only { locale: "simple" } is honoured)',
      );
    }
    // Like the server, a simple collation is not stored: it is what an index without one does.
    this.spec = spec;
    const key = spec.key as Document | undefined;
    if (!key || typeof key !== 'object' || Object.keys(key).length === 0) {
      throw new CommandError(67, 'CannotCreateIndex', 'index specification must have a non-empty "key"');
    }
    for (const [field, direction] of Object.entries(key)) {
      if (direction !== 1 && direction !== -1) {
        throw new CommandError(
          67,
          'CannotCreateIndex',
          `index type ${JSON.stringify(direction)} on "${field}" is not supported by the mongo stand-in (only 1 / -1)`,
        );
      }
    }
    const unknown = Object.keys(spec).filter((option) => !KNOWN_OPTIONS.has(option));
    if (unknown.length) {
      throw new CommandError(
        67,
        'CannotCreateIndex',
        `index options not supported by the mongo stand-in: ${unknown.join(', ')}`,
      );
    }
    this.fields = Object.keys(key);
    this.name = typeof spec.name === 'string' ? spec.name : defaultIndexName(key);
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    if (typeof spec.expireAfterSeconds === 'number') this.expireAfterSeconds = spec.expireAfterSeconds;
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression as Document, {});
    this.byPrefix = this.fields.map(() => new Map<string, Ids>());
    // MongoDB only expires through single-field TTL indexes (Collection.expire checks it too).
    if (this.expireAfterSeconds !== undefined && this.fields.length === 1) this.ttlValues = new Map();
    if (this.sparse) this.members = new Set();
  }

  get keyPattern(): Document {
    return this.spec.key as Document;
  }

  /** False for sparse/partial indexes: they omit documents, so a lookup could miss matches. */
  get coversAllDocuments(): boolean {
    return !this.sparse && !this.partial;
  }

  get isPartial(): boolean {
    return this.partial !== undefined;
  }

  get hidden(): boolean {
    return this.spec.hidden === true;
  }

  /** What listIndexes reports: MongoDB's shape with `v: 2`. */
  describe(): Document {
    if (this.name === '_id_') return { v: 2, key: { _id: 1 }, name: '_id_' };
    const { background: _background, ns: _ns, v: _v, key, name: _name, ...rest } = this.spec;
    return { v: 2, key, name: this.name, ...rest };
  }

  /** Entries for a document; none when a sparse/partial index skips it. Missing fields index as null. */
  entriesFor(doc: Doc): IndexEntry[] {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.fields.map((field) => valuesAtPath(doc, field));
    if (this.sparse && perField.every((values) => values.every((v) => v === undefined))) return [];
    const arrays = perField.filter((values) => values.length > 1);
    if (arrays.length > 1) {
      throw new CommandError(
        171,
        'CannotIndexParallelArrays',
        `cannot index parallel arrays for index ${this.name}`,
      );
    }
    let combos: unknown[][] = [[]];
    for (const values of perField) {
      combos =
        values.length === 1
          ? combos.map((combo) => [...combo, values[0] ?? null])
          : combos.flatMap((combo) => values.map((v) => [...combo, v ?? null]));
    }
    return combos.map((values) => {
      const fieldKeys = values.map(indexKey);
      return { fieldKeys, key: joinKeys(fieldKeys), values };
    });
  }

  /** The entry that would collide with another document's, if this index is unique. */
  conflict(entries: IndexEntry[], ownId: string): IndexEntry | undefined {
    if (!this.unique) return undefined;
    const whole = this.byPrefix[this.fields.length - 1];
    return entries.find((entry) => {
      const ids = whole.get(entry.key);
      if (ids === undefined) return false;
      return typeof ids === 'string' ? ids !== ownId : ids.size > 1 || !ids.has(ownId);
    });
  }

  keyValue(entry: IndexEntry): Document {
    return Object.fromEntries(this.fields.map((field, i) => [field, entry.values[i]]));
  }

  add(id: string, entries: IndexEntry[]): void {
    for (const { fieldKeys, key, values } of entries) {
      this.byPrefix.forEach((map, i) => addId(map, this.prefixKey(fieldKeys, i + 1, key), id));
      if (this.ttlValues && !this.ttlValues.has(key)) this.ttlValues.set(key, values[0]);
    }
    if (entries.length) this.members?.add(id);
  }

  remove(id: string, entries: IndexEntry[]): void {
    for (const { fieldKeys, key } of entries) {
      this.byPrefix.forEach((map, i) => removeId(map, this.prefixKey(fieldKeys, i + 1, key), id));
      if (this.ttlValues && !this.byPrefix[this.fields.length - 1].has(key)) this.ttlValues.delete(key);
    }
    this.members?.delete(id);
  }

  /** How many documents have these keys (one `indexKey` each) as their first fields. */
  count(fieldKeys: string[]): number {
    const ids = this.byPrefix[fieldKeys.length - 1]?.get(joinKeys(fieldKeys));
    return ids === undefined ? 0 : typeof ids === 'string' ? 1 : ids.size;
  }

  /** Adds the documents that have these keys as their first fields to `into`. */
  collectIds(fieldKeys: string[], into: Set<string>): void {
    const ids = this.byPrefix[fieldKeys.length - 1]?.get(joinKeys(fieldKeys));
    if (typeof ids === 'string') into.add(ids);
    else ids?.forEach((id) => into.add(id));
  }

  /** Sparse indexes: the documents the index holds. */
  get memberIds(): ReadonlySet<string> | undefined {
    return this.members;
  }

  /** TTL indexes: the documents holding a date at or before `deadline`. */
  idsDatedUpTo(deadline: number): Set<string> {
    const ids = new Set<string>();
    for (const [key, value] of this.ttlValues ?? []) {
      if (value instanceof Date && value.getTime() <= deadline) this.collectIds([key], ids);
    }
    return ids;
  }

  private prefixKey(fieldKeys: string[], length: number, whole: string): string {
    return length === fieldKeys.length ? whole : joinKeys(fieldKeys.slice(0, length));
  }

  /** Same key and meaning, so createIndexes with this spec is a no-op like on MongoDB. */
  sameAs(other: Index): boolean {
    return (
      valueKey(this.keyPattern) === valueKey(other.keyPattern) &&
      this.unique === other.unique &&
      this.sparse === other.sparse &&
      this.expireAfterSeconds === other.expireAfterSeconds &&
      valueKey(this.spec.partialFilterExpression) === valueKey(other.spec.partialFilterExpression)
    );
  }
}

function addId(map: Map<string, Ids>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids === undefined) map.set(key, id);
  else if (typeof ids !== 'string') ids.add(id);
  else if (ids !== id) map.set(key, new Set([ids, id]));
}

function removeId(map: Map<string, Ids>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids === undefined) return;
  if (typeof ids === 'string') {
    if (ids === id) map.delete(key);
    return;
  }
  ids.delete(id);
  if (ids.size === 1) map.set(key, ids.values().next().value!);
  else if (ids.size === 0) map.delete(key);
}

/**
 * One field's key stays as it is, so single-field lookups build no strings. indexKey escapes text, so
 * no field key contains the separator and joined keys cannot collide.
 */
function joinKeys(fieldKeys: string[]): string {
  return fieldKeys.length === 1 ? fieldKeys[0] : fieldKeys.join(SEPARATOR);
}

export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}_${String(direction)}`)
    .join('_');
}

export const ID_INDEX_SPEC: Document = { key: { _id: 1 }, name: '_id_', unique: true };
