import type { Document } from 'bson';
import { runPipeline } from './aggregation';
import type { CommandHandler } from './context';
import { CommandError, badValue, notSupported } from './errors';
import { checkHint, findDocuments, guardComparisons, sortValues } from './query';
import { isPlainObject, valueKey, valuesAtPath } from './values';

// Which options each command takes, and which of them are refused, is decided in options.ts before a
// handler runs; README.md lists the decisions.

/** Integer options; find validates them like the server's IDL (error 51024), count allows a negative limit. */
const numberOption = (value: unknown, name: string, allowNegative = false): number => {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw badValue(`'${name}' must be an integer, got ${JSON.stringify(value)}`);
  }
  if (value < 0 && !allowNegative) {
    throw new CommandError(
      51024,
      'Location51024',
      `BSON field '${name}' value must be >= 0, actual value '${value}'`,
    );
  }
  return value;
};

const find: CommandHandler = (command, { store, cursors, db }) => {
  const name = String(command.find);
  const skip = numberOption(command.skip, 'skip');
  const limit = numberOption(command.limit, 'limit');
  const docs = findDocuments(store.collection(db, name), {
    filter: command.filter as Document | undefined,
    sort: command.sort as Document | undefined,
    projection: command.projection as Document | undefined,
    skip,
    limit,
    hint: command.hint,
  });
  const options = {
    batchSize: command.batchSize,
    singleBatch: command.singleBatch === true,
    noCursorTimeout: command.noCursorTimeout === true,
  };
  return { ...cursors.first(`${db}.${name}`, docs, options), ok: 1 };
};

const getMore: CommandHandler = (command, { cursors, db }) => {
  if (typeof command.collection !== 'string') {
    throw new CommandError(
      40414,
      'Location40414',
      "BSON field 'getMore.collection' is missing but a required field",
    );
  }
  return {
    ...cursors.getMore(Number(command.getMore), `${db}.${command.collection}`, command.batchSize),
    ok: 1,
  };
};

const killCursors: CommandHandler = (command, { cursors }) => {
  const ids = ((command.cursors as unknown[] | undefined) ?? []).map(Number);
  const { killed, notFound } = cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

const count: CommandHandler = (command, { store, db }) => {
  const collection = store.collection(db, String(command.count));
  const query = (command.query as Document | undefined) ?? {};
  const skip = numberOption(command.skip, 'skip');
  // count treats a negative limit like its absolute value, as the server does.
  const limit = Math.abs(numberOption(command.limit, 'limit', true));
  checkHint(collection, command.hint);
  if (!collection) return { n: 0, ok: 1 };
  // estimatedDocumentCount sends a bare count: answer from the size, no scan.
  if (Object.keys(query).length === 0) {
    const n = Math.max(0, collection.size - skip);
    return { n: limit ? Math.min(n, limit) : n, ok: 1 };
  }
  return { n: findDocuments(collection, { filter: query, skip, limit, hint: command.hint }).length, ok: 1 };
};

const distinct: CommandHandler = (command, { store, db }) => {
  const key = command.key;
  if (typeof key !== 'string' || !key) throw badValue("'key' must be a non-empty string");
  const collection = store.collection(db, String(command.distinct));
  guardComparisons(collection, { [key]: 1 });
  const seen = new Map<string, unknown>();
  for (const doc of findDocuments(collection, { filter: command.query as Document | undefined })) {
    for (const value of valuesAtPath(doc, key)) {
      if (value !== undefined) seen.set(valueKey(value), value);
    }
  }
  return { values: sortValues([...seen.values()]), ok: 1 };
};

const aggregate: CommandHandler = (command, { store, cursors, db }) => {
  if (command.explain) throw notSupported('aggregate explain');
  if (!isPlainObject(command.cursor)) {
    throw new CommandError(
      9,
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const target = command.aggregate;
  const docs = runPipeline(store, db, target, command.pipeline, command.hint);
  const cursorOptions = command.cursor;
  const ns = typeof target === 'string' ? `${db}.${target}` : `${db}.$cmd.aggregate`;
  return { ...cursors.first(ns, docs, { batchSize: cursorOptions.batchSize }), ok: 1 };
};

export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate,
};
