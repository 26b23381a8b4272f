import type { Document } from 'bson';
import type { Collection } from './collection';
import type { CommandContext, CommandHandler } from './context';
import { CommandError, badValue } from './errors';
import { findDocuments, guardComparisons, project } from './query';
import { ARITHMETIC_OPERATORS, applyUpdate, classifyUpdate, upsertDocument } from './updates';
import { type Doc, isPlainObject } from './values';

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

/**
 * Runs each statement of a batch. Ordered batches stop at the first failure, unordered ones carry on;
 * either way earlier statements stay applied and failures are reported per statement index, as on MongoDB.
 */
function runBatch<T>(
  statements: unknown,
  ordered: unknown,
  run: (statement: T, index: number) => void,
): WriteError[] {
  if (!Array.isArray(statements)) throw badValue('write command needs an array of statements');
  const writeErrors: WriteError[] = [];
  for (const [index, statement] of (statements as T[]).entries()) {
    try {
      run(statement, index);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      writeErrors.push({ index, code: error.code, errmsg: error.message, ...error.extra });
      if (ordered !== false) break;
    }
  }
  return writeErrors;
}

const withErrors = (writeErrors: WriteError[]): Document => (writeErrors.length ? { writeErrors } : {});

// Like mongod, opcounters count inserted documents and executed update/delete statements.

const insert: CommandHandler = (command, { store, db, stats, connection }) => {
  const collection = store.ensureCollection(db, String(command.insert));
  let n = 0;
  const writeErrors = runBatch<Doc>(command.documents, command.ordered, (doc) => {
    if (!isPlainObject(doc)) throw badValue('documents to insert must be objects');
    collection.insert(doc);
    stats.count(connection, 'insert');
    n += 1;
  });
  return { n, ...withErrors(writeErrors), ok: 1 };
};

interface UpdateStatement {
  q?: Document;
  u: Document | Document[];
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Document[];
  hint?: unknown;
  /** findAndModify's sort; options.ts refuses it on update statements (MongoDB 8.0). */
  sort?: Document;
}

const update: CommandHandler = (command, context) => {
  const name = String(command.update);
  let n = 0;
  let nModified = 0;
  const upserted: Array<{ index: number; _id: unknown }> = [];
  const writeErrors = runBatch<UpdateStatement>(command.updates, command.ordered, (statement, index) => {
    context.stats.count(context.connection, 'update');
    const outcome = updateWithStatement(context, name, statement);
    n += outcome.matched;
    nModified += outcome.modified;
    if (outcome.upserted) upserted.push({ index, _id: outcome.upserted._id });
  });
  return {
    n: n + upserted.length,
    nModified,
    ...(upserted.length ? { upserted } : {}),
    ...withErrors(writeErrors),
    ok: 1,
  };
};

interface UpdateOutcome {
  matched: number;
  modified: number;
  upserted?: Doc;
  /** The first matched document before and after, for findAndModify. */
  before?: Doc;
  after?: Doc;
}

function updateWithStatement(
  { store, db }: CommandContext,
  name: string,
  statement: UpdateStatement,
): UpdateOutcome {
  const filter = statement.q ?? {};
  const kind = classifyUpdate(statement.u);
  if (statement.multi && kind === 'replacement') {
    throw new CommandError(9, 'FailedToParse', 'multi update is not supported for replacement-style update');
  }
  const collection = store.collection(db, name);
  if (kind === 'operators') guardArithmetic(collection, statement.u);
  const matches = findDocuments(collection, {
    filter,
    sort: statement.sort,
    limit: statement.multi ? 0 : 1,
    hint: statement.hint,
  });
  const options = { arrayFilters: statement.arrayFilters, filter };
  if (matches.length === 0) {
    if (!statement.upsert) return { matched: 0, modified: 0 };
    const doc = store.ensureCollection(db, name).insert(upsertDocument(filter, statement.u, options));
    return { matched: 0, modified: 0, upserted: doc, after: doc };
  }
  let modified = 0;
  let after: Doc | undefined;
  for (const current of matches) {
    const result = applyUpdate(current, statement.u, options);
    if (result.modified) {
      collection!.replace(current, result.doc);
      modified += 1;
    }
    after ??= result.modified ? result.doc : current;
  }
  return { matched: matches.length, modified, before: matches[0], after };
}

/** `$inc`/`$min`/… on a Decimal128 or huge Long would be computed wrongly by mingo: refuse instead. */
function guardArithmetic(collection: Collection | undefined, update: Document): void {
  const touched = ARITHMETIC_OPERATORS.map((operator) => update[operator] as unknown).filter(
    (fields) => fields !== undefined,
  );
  if (touched.length) guardComparisons(collection, ...touched);
}

interface DeleteStatement {
  q?: Document;
  limit?: number;
  hint?: unknown;
}

const remove: CommandHandler = (command, { store, db, stats, connection }) => {
  const collection = store.collection(db, String(command.delete));
  let n = 0;
  const writeErrors = runBatch<DeleteStatement>(command.deletes, command.ordered, (statement) => {
    stats.count(connection, 'delete');
    const matches = findDocuments(collection, {
      filter: statement.q ?? {},
      limit: statement.limit,
      hint: statement.hint,
    });
    for (const doc of matches) collection!.remove(doc);
    n += matches.length;
  });
  return { n, ...withErrors(writeErrors), ok: 1 };
};

const findAndModify: CommandHandler = (command, context) => {
  const name = String(command.findAndModify ?? command.findandmodify);
  const filter = (command.query as Document | undefined) ?? {};
  const sort = command.sort as Document | undefined;
  const fields = command.fields as Document | undefined;
  if (command.remove && command.update !== undefined) {
    throw new CommandError(9, 'FailedToParse', 'Cannot specify both an update and remove=true');
  }
  if (command.remove) {
    const collection = context.store.collection(context.db, name);
    const [current] = findDocuments(collection, { filter, sort, limit: 1, hint: command.hint });
    if (current) collection!.remove(current);
    return {
      lastErrorObject: { n: current ? 1 : 0 },
      value: current ? project(current, fields) : null,
      ok: 1,
    };
  }
  if (command.update === undefined) {
    throw new CommandError(9, 'FailedToParse', 'Either an update or remove=true must be specified');
  }
  const outcome = updateWithStatement(context, name, {
    q: filter,
    u: command.update as Document | Document[],
    upsert: command.upsert === true,
    arrayFilters: command.arrayFilters as Document[] | undefined,
    hint: command.hint,
    sort,
  });
  const value = command.new ? outcome.after : outcome.before;
  const lastErrorObject: Document = {
    n: outcome.matched + (outcome.upserted ? 1 : 0),
    updatedExisting: outcome.matched > 0,
  };
  if (outcome.upserted) lastErrorObject.upserted = outcome.upserted._id;
  return { lastErrorObject, value: value ? project(value, fields) : null, ok: 1 };
};

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: remove,
  findAndModify,
  findandmodify: findAndModify,
};
