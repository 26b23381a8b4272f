import { type Document, BSON } from 'bson';
import type { Collection } from './collection';
import type { CommandHandler } from './context';
import { badValue, namespaceNotFound } from './errors';
import { Index } from './indexes';
import { compileFilter } from './query';
import type { Doc } from './values';

/** Generic command fields that are not collection options (sessions, transactions, API version …). */
const COMMAND_ENVELOPE = new Set([
  'lsid',
  'txnNumber',
  'autocommit',
  'startTransaction',
  'writeConcern',
  'readConcern',
  'comment',
  'maxTimeMS',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
]);

const create: CommandHandler = (command, { store, db }) => {
  const options = Object.fromEntries(
    Object.entries(command).filter(
      ([key]) => key !== 'create' && !key.startsWith('$') && !COMMAND_ENVELOPE.has(key),
    ),
  );
  store.createCollection(db, String(command.create), options);
  return { ok: 1 };
};

// MongoDB 7 answers ok for a collection that does not exist; the driver treats both the same.
const drop: CommandHandler = (command, { store, db }) => {
  const name = String(command.drop);
  const indexes = store.collection(db, name)?.indexes.length ?? 0;
  store.dropCollection(db, name);
  return { nIndexesWas: indexes, ns: `${db}.${name}`, ok: 1 };
};

const dropDatabase: CommandHandler = (_command, { store, db }) => {
  store.dropDatabase(db);
  return { dropped: db, ok: 1 };
};

function describeCollection(collection: Collection): Doc {
  return {
    name: collection.name,
    type: 'collection',
    options: collection.options,
    info: { readOnly: false, uuid: collection.uuid },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  };
}

const listCollections: CommandHandler = (command, { store, cursors, db }) => {
  const filter = compileFilter((command.filter as Document | undefined) ?? {});
  const matching = store
    .collections(db)
    .map(describeCollection)
    .filter((info) => filter.test(info))
    .map((info) => (command.nameOnly ? { name: info.name, type: info.type } : info));
  const batchSize = (command.cursor as Document | undefined)?.batchSize;
  return { ...cursors.first(`${db}.$cmd.listCollections`, matching, { batchSize }), ok: 1 };
};

const listDatabases: CommandHandler = (command, { store }) => {
  const filter = compileFilter((command.filter as Document | undefined) ?? {});
  const databases = store
    .databaseNames()
    .map((name) => {
      const collections = store.collections(name);
      const sizeOnDisk = collections.reduce(
        (sum, c) => sum + [...c.documents()].reduce((s, d) => s + BSON.calculateObjectSize(d), 0),
        0,
      );
      return { name, sizeOnDisk, empty: collections.every((c) => c.size === 0) };
    })
    .filter((info) => filter.test(info));
  const totalSize = databases.reduce((sum, info) => sum + info.sizeOnDisk, 0);
  if (command.nameOnly) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  return { databases, totalSize, totalSizeMb: Math.round(totalSize / 1024 / 1024), ok: 1 };
};

const createIndexes: CommandHandler = (command, { store, db }) => {
  const name = String(command.createIndexes);
  const specs = command.indexes;
  if (!Array.isArray(specs) || specs.length === 0)
    throw badValue("Must specify at least one index to create in 'indexes'");
  // Specs the stand-in refuses fail before the collection is created implicitly.
  for (const spec of specs as Document[]) new Index(spec);
  const existed = store.collection(db, name) !== undefined;
  const collection = store.ensureCollection(db, name);
  const before = collection.indexes.length;
  let created = 0;
  for (const spec of specs as Document[]) {
    if (collection.createIndex(spec)) created += 1;
  }
  return {
    createdCollectionAutomatically: !existed,
    numIndexesBefore: before,
    numIndexesAfter: collection.indexes.length,
    ...(created === 0 ? { note: 'all indexes already exist' } : {}),
    ok: 1,
  };
};

const listIndexes: CommandHandler = (command, { store, cursors, db }) => {
  const name = String(command.listIndexes);
  const collection = store.collection(db, name);
  if (!collection) throw namespaceNotFound(`ns does not exist: ${db}.${name}`);
  const specs = collection.indexes.map((index) => index.describe());
  const batchSize = (command.cursor as Document | undefined)?.batchSize;
  return { ...cursors.first(`${db}.${name}`, specs, { batchSize }), ok: 1 };
};

const dropIndexes: CommandHandler = (command, { store, db }) => {
  const name = String(command.dropIndexes);
  const collection = store.collection(db, name);
  if (!collection) throw namespaceNotFound(`ns not found ${db}.${name}`);
  const before = collection.indexes.length;
  const targets: unknown[] = Array.isArray(command.index) ? (command.index as unknown[]) : [command.index];
  for (const target of targets) collection.dropIndex(target);
  return { nIndexesWas: before, ok: 1 };
};

export const ddlCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  createIndexes,
  listIndexes,
  dropIndexes,
};
