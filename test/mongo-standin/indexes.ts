import type { Document } from 'bson';
import { Query } from 'mingo';
import { CommandError } from './errors';
import { isSimpleCollation } from './options';
import { type Doc, valueKey, valuesAtPath } from './values';

/** One entry an index holds for a document: the lookup string and the field values it came from. */
export interface IndexEntry {
  key: string;
  values: unknown[];
}

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
 * so unique checks and equality lookups never scan the collection.
 */
export class Index {
  readonly spec: Document;
  readonly name: string;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly expireAfterSeconds?: number;
  private readonly partial?: Query;
  private readonly entries = new Map<string, Set<string>>();

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
  }

  get keyPattern(): Document {
    return this.spec.key as Document;
  }

  /** False for sparse/partial indexes: they omit documents, so a lookup could miss matches. */
  get coversAllDocuments(): boolean {
    return !this.sparse && !this.partial;
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
    for (const values of perField)
      combos = combos.flatMap((combo) => values.map((v) => [...combo, v ?? null]));
    return combos.map((values) => ({ key: this.lookupKey(values), values }));
  }

  lookupKey(values: unknown[]): string {
    return values.length === 1 ? valueKey(values[0]) : values.map(valueKey).join(SEPARATOR);
  }

  /** The entry that would collide with another document's, if this index is unique. */
  conflict(entries: IndexEntry[], ownId: string): IndexEntry | undefined {
    if (!this.unique) return undefined;
    return entries.find((entry) => {
      const ids = this.entries.get(entry.key);
      return ids !== undefined && (ids.size > 1 || !ids.has(ownId));
    });
  }

  keyValue(entry: IndexEntry): Document {
    return Object.fromEntries(this.fields.map((field, i) => [field, entry.values[i]]));
  }

  add(id: string, entries: IndexEntry[]): void {
    for (const { key } of entries) {
      const ids = this.entries.get(key);
      if (ids) ids.add(id);
      else this.entries.set(key, new Set([id]));
    }
  }

  remove(id: string, entries: IndexEntry[]): void {
    for (const { key } of entries) {
      const ids = this.entries.get(key);
      if (!ids) continue;
      ids.delete(id);
      if (ids.size === 0) this.entries.delete(key);
    }
  }

  idsFor(key: string): Iterable<string> {
    return this.entries.get(key) ?? [];
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

export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}_${String(direction)}`)
    .join('_');
}

export const ID_INDEX_SPEC: Document = { key: { _id: 1 }, name: '_id_', unique: true };
