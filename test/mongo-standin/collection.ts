import { type Document, ObjectId, UUID } from 'bson';
import { CommandError, DuplicateKeyError, badValue } from './errors';
import { ID_INDEX_SPEC, Index, type IndexEntry } from './indexes';
import { type Doc, bsonType, isOperatorObject, isPlainObject, valueKey, valuesAtPath } from './values';

interface StoredRecord {
  /** Insertion order, kept across updates like a record id, so index lookups return natural order. */
  seq: number;
  doc: Doc;
}

/** What an index lookup found; see Collection.candidates. */
export interface IndexLookup {
  docs: Doc[];
  exact: boolean;
}

/** Equality lookups with more combinations than this fall back to a scan. */
const MAX_LOOKUP_KEYS = 1000;
/** Types mingo compares as strings, i.e. wrongly: see uncomparableRoots. */
const UNCOMPARABLE_TYPES = new Set(['Decimal128', 'Long', 'Timestamp']);

/**
 * Documents of one collection in insertion order, with their indexes. Writes are copy-on-write:
 * a stored document is never mutated, so open cursors and callers holding it see a stable value.
 */
export class Collection {
  readonly uuid = new UUID();
  /**
   * Top-level fields that ever held a Decimal128, an unsafe Long or a Timestamp. mingo would compare those
   * as strings, so queries, sorts and pipelines touching them fail loudly instead (guardComparisons).
   */
  readonly uncomparableRoots = new Set<string>();
  private readonly records = new Map<string, StoredRecord>();
  private indexList: Index[] = [new Index(ID_INDEX_SPEC)];
  private nextSeq = 0;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Document = {},
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.records.size;
  }

  get indexes(): readonly Index[] {
    return this.indexList;
  }

  *documents(): IterableIterator<Doc> {
    for (const record of this.records.values()) yield record.doc;
  }

  /** Stores a document, giving it an `_id` if needed; like the server, `_id` always comes first. */
  insert(input: Doc): Doc {
    const doc = idFirst(input);
    assertValidId(doc._id);
    const id = valueKey(doc._id);
    if (this.records.has(id)) {
      const idIndex = this.indexList[0];
      throw new DuplicateKeyError(this.ns, idIndex.name, idIndex.keyPattern, { _id: doc._id });
    }
    const entries = this.checkedEntries(doc, id);
    this.indexList.forEach((index, i) => index.add(id, entries[i]));
    this.records.set(id, { seq: this.nextSeq++, doc });
    this.track(doc);
    return doc;
  }

  /** Swaps in a new version of a stored document; the caller guarantees `_id` did not change. */
  replace(current: Doc, next: Doc): void {
    const id = valueKey(current._id);
    const record = this.records.get(id);
    if (!record) throw new CommandError(1, 'InternalError', `document ${id} vanished during update`);
    const entries = this.checkedEntries(next, id);
    this.indexList.forEach((index, i) => {
      index.remove(id, index.entriesFor(current));
      index.add(id, entries[i]);
    });
    record.doc = next;
    this.track(next);
  }

  remove(doc: Doc): void {
    const id = valueKey(doc._id);
    if (!this.records.delete(id)) return;
    for (const index of this.indexList) index.remove(id, index.entriesFor(doc));
  }

  /**
   * Documents that may match `filter`, found through an index when every field of one has an equality
   * condition (`f: v`, `$eq`, `$in`). Undefined means "scan everything". The caller applies the filter
   * unless `exact` says the filter has no other condition, so the lookup is already the answer.
   */
  candidates(filter: Document): IndexLookup | undefined {
    for (const index of this.planOrder()) {
      const perField = index.fields.map((field) => equalityValues(filter[field]));
      if (perField.some((values) => values === undefined)) continue;
      let combos: unknown[][] = [[]];
      for (const values of perField as unknown[][]) {
        combos = combos.flatMap((combo) => values.map((value) => [...combo, value]));
        if (combos.length > MAX_LOOKUP_KEYS) break;
      }
      if (combos.length > MAX_LOOKUP_KEYS) continue;
      const found = new Map<string, StoredRecord>();
      for (const combo of combos) {
        for (const id of index.idsFor(index.lookupKey(combo))) found.set(id, this.records.get(id)!);
      }
      const records = [...found.values()];
      if (records.length > 1) records.sort((a, b) => a.seq - b.seq);
      const exact = Object.keys(filter).length === index.fields.length;
      return { docs: records.map((record) => record.doc), exact };
    }
    return undefined;
  }

  /** Returns false when an equivalent index already exists (createIndexes is idempotent). */
  createIndex(spec: Document): boolean {
    const index = new Index(spec);
    const sameName = this.indexList.find((existing) => existing.name === index.name);
    if (sameName) {
      if (sameName.sameAs(index)) return false;
      throw new CommandError(
        85,
        'IndexOptionsConflict',
        `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(index.describe())}, existing index: ${JSON.stringify(sameName.describe())}`,
      );
    }
    const sameKey = this.indexList.find(
      (existing) => valueKey(existing.keyPattern) === valueKey(index.keyPattern),
    );
    // createIndex({ _id: 1 }) is a no-op on the server, whatever name the client derives for it.
    if (sameKey?.name === '_id_') return false;
    if (sameKey) {
      throw new CommandError(
        85,
        'IndexOptionsConflict',
        `Index already exists with a different name: ${sameKey.name}`,
      );
    }
    for (const [id, record] of this.records) {
      const entries = index.entriesFor(record.doc);
      const clash = index.conflict(entries, id);
      if (clash) throw new DuplicateKeyError(this.ns, index.name, index.keyPattern, index.keyValue(clash));
      index.add(id, entries);
    }
    this.indexList = [...this.indexList, index];
    return true;
  }

  /** Drops by name or key pattern; `*` drops all but `_id_`. */
  dropIndex(target: unknown): void {
    if (target === '*') {
      this.indexList = this.indexList.slice(0, 1);
      return;
    }
    const found = this.indexList.find((index) =>
      typeof target === 'string' ? index.name === target : valueKey(index.keyPattern) === valueKey(target),
    );
    if (!found) {
      throw new CommandError(
        27,
        'IndexNotFound',
        `index not found with name [${typeof target === 'string' ? target : JSON.stringify(target)}]`,
      );
    }
    if (found.name === '_id_') throw new CommandError(72, 'InvalidOptions', 'cannot drop _id index');
    this.indexList = this.indexList.filter((index) => index !== found);
  }

  /** Applies TTL indexes: removes documents whose date plus expireAfterSeconds has passed. */
  expire(now: number): number {
    let removed = 0;
    for (const index of this.indexList) {
      if (index.expireAfterSeconds === undefined || index.fields.length !== 1) continue;
      const deadline = now - index.expireAfterSeconds * 1000;
      const expired = [...this.documents()].filter((doc) => {
        const dates = valuesAtPath(doc, index.fields[0]).filter((v): v is Date => v instanceof Date);
        return dates.length > 0 && Math.min(...dates.map((d) => d.getTime())) <= deadline;
      });
      expired.forEach((doc) => this.remove(doc));
      removed += expired.length;
    }
    return removed;
  }

  /** Index entries for every index, after checking none collides: a failed write changes nothing. */
  private checkedEntries(doc: Doc, id: string): IndexEntry[][] {
    const all = this.indexList.map((index) => index.entriesFor(doc));
    this.indexList.forEach((index, i) => {
      const clash = index.conflict(all[i], id);
      if (clash) throw new DuplicateKeyError(this.ns, index.name, index.keyPattern, index.keyValue(clash));
    });
    return all;
  }

  private planOrder(): Index[] {
    return this.indexList
      .filter((index) => index.coversAllDocuments)
      .sort((a, b) => Number(b.unique) - Number(a.unique));
  }

  private track(doc: Doc): void {
    for (const [field, value] of Object.entries(doc)) {
      if (!this.uncomparableRoots.has(field) && holdsUncomparable(value)) this.uncomparableRoots.add(field);
    }
  }
}

export function holdsUncomparable(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsUncomparable);
  if (isPlainObject(value)) return Object.values(value).some(holdsUncomparable);
  const type = bsonType(value);
  return type !== undefined && UNCOMPARABLE_TYPES.has(type);
}

function idFirst(doc: Doc): Doc {
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  for (const key in doc) {
    if (key === '_id') return doc;
    break;
  }
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function assertValidId(id: unknown): void {
  if (Array.isArray(id)) throw badValue(`can't use an array for _id`);
  if (id instanceof RegExp) throw badValue(`can't use a regex for _id`);
  const dollar = dollarPrefixedField(id);
  if (dollar !== undefined) {
    throw new CommandError(
      52,
      'DollarPrefixedFieldName',
      `_id fields may not contain '$'-prefixed fields: ${dollar} is not valid for storage.`,
    );
  }
}

/**
 * The first `$`-prefixed field name at any depth of an `_id` value. A DBRef (`{ $ref, $id }`) is
 * decoded into a DBRef object, not a plain one, so it passes, as it does on the server.
 */
function dollarPrefixedField(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = dollarPrefixedField(item);
      if (found !== undefined) return found;
    }
  } else if (isPlainObject(value)) {
    for (const [field, nested] of Object.entries(value)) {
      if (field.startsWith('$')) return field;
      const found = dollarPrefixedField(nested);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Values a filter condition is equal to, or undefined when it is not a plain equality we can look up. */
function equalityValues(condition: unknown): unknown[] | undefined {
  if (condition === undefined) return undefined;
  if (isOperatorObject(condition)) {
    const keys = Object.keys(condition);
    if (keys.length !== 1) return undefined;
    if (keys[0] === '$eq') return lookupable(condition.$eq) ? [condition.$eq] : undefined;
    if (keys[0] === '$in' && Array.isArray(condition.$in) && condition.$in.every(lookupable))
      return condition.$in;
    return undefined;
  }
  return lookupable(condition) ? [condition] : undefined;
}

/** Null, arrays, regexes and operator objects have match rules an index key lookup does not reproduce. */
function lookupable(value: unknown): boolean {
  if (value === null || value === undefined || Array.isArray(value) || value instanceof RegExp) return false;
  if (bsonType(value) === 'BSONRegExp') return false;
  if (isPlainObject(value)) return !Object.keys(value).some((key) => key.startsWith('$'));
  return true;
}
