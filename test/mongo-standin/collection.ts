import { type Document, ObjectId, UUID } from 'bson';
import { CommandError, DuplicateKeyError, badValue } from './errors';
import { indexKey } from './index-keys';
import { ID_INDEX_SPEC, Index, type IndexEntry } from './indexes';
import { type FilterShape, analyzeFilter, choosePlan, planIds } from './planner';
import { type Doc, bsonType, isPlainObject, valueKey } from './values';

interface StoredRecord {
  /** Insertion order, kept across updates like a record id, so index lookups return natural order. */
  seq: number;
  doc: Doc;
}

/** What an index lookup found; see Collection.candidates. */
export interface IndexLookup {
  /** In insertion order, like a collection scan. */
  docs: Doc[];
  /** The index answered the filter by itself: `docs` is the result, no matching is left to do. */
  exact: boolean;
  /** The index used. */
  index: string;
}

/** What queries cost a collection so far: standinStats reports it, tests read it instead of timing. */
export interface CollectionCounters {
  /** Documents handed to the matcher (or returned straight from an index lookup). */
  docsExamined: number;
  /** Queries that had to look at every document. */
  collectionScans: number;
}

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
  readonly counters: CollectionCounters = { docsExamined: 0, collectionScans: 0 };
  /** By `indexKey(_id)`: the `_id` index's own map would hold the same. */
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
    const id = indexKey(doc._id);
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

  /**
   * Swaps in a new version of a stored document; the caller guarantees `_id` did not change. Every
   * index is checked before any changes, so a duplicate key leaves the document and all indexes as
   * they were; indexes whose keys the update did not touch are left alone.
   */
  replace(current: Doc, next: Doc): void {
    const id = indexKey(current._id);
    const record = this.records.get(id);
    if (!record) throw new CommandError(1, 'InternalError', `document ${id} vanished during update`);
    const entries = this.checkedEntries(next, id);
    this.indexList.forEach((index, i) => {
      const previous = index.entriesFor(current);
      if (sameKeys(previous, entries[i])) return;
      index.remove(id, previous);
      index.add(id, entries[i]);
    });
    record.doc = next;
    this.track(next);
  }

  remove(doc: Doc): void {
    const id = indexKey(doc._id);
    if (!this.records.delete(id)) return;
    for (const index of this.indexList) index.remove(id, index.entriesFor(doc));
  }

  /**
   * Documents that may match a filter, found through the index with the fewest candidates, in insertion
   * order. Undefined means no index helps: scan everything. Unless `exact` says the lookup is the
   * answer, the caller still applies the filter.
   */
  candidates(filter: Document, shape: FilterShape = analyzeFilter(filter)): IndexLookup | undefined {
    const plan = choosePlan(this.indexList, shape);
    if (!plan) return undefined;
    const records: StoredRecord[] = [];
    for (const id of planIds(plan)) records.push(this.records.get(id)!);
    if (records.length > 1) records.sort((a, b) => a.seq - b.seq);
    return { docs: records.map((record) => record.doc), exact: plan.exact, index: plan.index.name };
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
      // An array of dates expires with its earliest, i.e. as soon as any of them has passed.
      for (const id of index.idsDatedUpTo(now - index.expireAfterSeconds * 1000)) {
        const record = this.records.get(id);
        if (!record) continue;
        this.remove(record.doc);
        removed += 1;
      }
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

function sameKeys(a: IndexEntry[], b: IndexEntry[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.key === b[i].key);
}
