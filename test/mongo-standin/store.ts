import type { Document } from 'bson';
import { Collection } from './collection';
import { CommandError, badValue, notSupported } from './errors';
import { isSimpleCollation } from './options';
import { valueKey } from './values';

/**
 * create options that would change behaviour we do not emulate; accepting them silently would lie.
 * The others (size and max without capped, storageEngine, indexOptionDefaults, validationLevel and
 * validationAction without a validator, idIndex, temp) change nothing the stand-in could show.
 */
const UNSUPPORTED_CREATE_OPTIONS = [
  'capped',
  'validator',
  'timeseries',
  'clusteredIndex',
  'viewOn',
  'pipeline',
  'changeStreamPreAndPostImages',
  'expireAfterSeconds',
  'encryptedFields',
  'collation',
];

/** All data of one stand-in: databases of collections, in memory, gone when the process stops. */
export class Store {
  private readonly databases = new Map<string, Map<string, Collection>>();

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** Writes and createIndexes create their collection implicitly, as on MongoDB. */
  ensureCollection(db: string, name: string): Collection {
    return this.collection(db, name) ?? this.addCollection(db, name, {});
  }

  /** Like MongoDB 7 (SERVER-60064): creating an existing collection with the same options succeeds. */
  createCollection(db: string, name: string, requested: Document): Collection {
    // A simple collation is the default: the server does not record it either.
    const { collation, ...rest } = requested;
    const options = isSimpleCollation(collation) ? rest : requested;
    const existing = this.collection(db, name);
    if (existing) {
      if (valueKey(existing.options) === valueKey(options)) return existing;
      throw new CommandError(
        48,
        'NamespaceExists',
        `Collection ${db}.${name} already exists with different options.`,
      );
    }
    for (const option of UNSUPPORTED_CREATE_OPTIONS) {
      if (options[option] !== undefined && options[option] !== false)
        throw notSupported(`create option "${option}"`);
    }
    if (options.autoIndexId === false) throw notSupported('create option "autoIndexId: false"');
    return this.addCollection(db, name, options);
  }

  dropCollection(db: string, name: string): boolean {
    return this.databases.get(db)?.delete(name) ?? false;
  }

  dropDatabase(db: string): void {
    this.databases.delete(db);
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  /** One TTL pass over every collection; returns how many documents expired. */
  expire(now: number): number {
    let removed = 0;
    for (const db of this.databases.values()) {
      for (const collection of db.values()) removed += collection.expire(now);
    }
    return removed;
  }

  private addCollection(db: string, name: string, options: Document): Collection {
    if (!name || name.includes('$') || name.startsWith('.') || name.endsWith('.')) {
      throw new CommandError(73, 'InvalidNamespace', `Invalid collection name: ${name}`);
    }
    if (!db || /[/\\. "$]/.test(db)) throw badValue(`Invalid database name: ${db}`);
    let collections = this.databases.get(db);
    if (!collections) {
      collections = new Map();
      this.databases.set(db, collections);
    }
    const collection = new Collection(db, name, options);
    collections.set(name, collection);
    return collection;
  }
}
