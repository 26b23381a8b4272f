import type { Document } from 'bson';
import { CommandError, badValue, noTransactions, notSupported, unknownField } from './errors';
import { isPlainObject } from './values';

/**
 * Fields any command may carry. Each is either implemented or has nothing to change on a single-node,
 * in-memory store; the ones with values the stand-in cannot honour are checked in checkEnvelope.
 */
const ENVELOPE = new Set([
  '$db',
  '$readPreference',
  '$clusterTime',
  'lsid',
  'txnNumber',
  'startTransaction',
  'autocommit',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'comment',
  'maxTimeMS',
  'readConcern',
  'writeConcern',
]);

interface CommandShape {
  /** Every field MongoDB 7.0 gives this command (besides the envelope) that a client may send. */
  fields: string[];
  /** Write commands: the array of statements and the fields one statement may have. */
  statements?: { key: string; fields: string[] };
}

/**
 * The CRUD commands' fields in MongoDB 7.0. Anything else is refused like mongod's IDL parser does
 * (40415), so an option nobody thought of can never be accepted and silently ignored. Listed fields
 * the stand-in does not implement are refused in checkFields with a message saying so.
 */
const SHAPES: Record<string, CommandShape> = {
  find: {
    fields: [
      'filter',
      'projection',
      'sort',
      'hint',
      'skip',
      'limit',
      'batchSize',
      'singleBatch',
      'noCursorTimeout',
      'allowPartialResults',
      'allowDiskUse',
      'collation',
      'let',
      'max',
      'min',
      'returnKey',
      'showRecordId',
      'tailable',
      'oplogReplay',
      'awaitData',
    ],
  },
  getMore: { fields: ['collection', 'batchSize'] },
  killCursors: { fields: ['cursors'] },
  count: { fields: ['query', 'limit', 'skip', 'hint', 'collation', 'fields'] },
  distinct: { fields: ['key', 'query', 'collation'] },
  aggregate: {
    fields: [
      'pipeline',
      'explain',
      'allowDiskUse',
      'cursor',
      'bypassDocumentValidation',
      'collation',
      'hint',
      'let',
    ],
  },
  insert: { fields: ['documents', 'ordered', 'bypassDocumentValidation'] },
  update: {
    fields: ['updates', 'ordered', 'bypassDocumentValidation', 'let'],
    statements: {
      key: 'updates',
      fields: ['q', 'u', 'c', 'arrayFilters', 'hint', 'multi', 'upsert', 'collation'],
    },
  },
  delete: {
    fields: ['deletes', 'ordered', 'let'],
    statements: { key: 'deletes', fields: ['q', 'limit', 'hint', 'collation'] },
  },
  findAndModify: {
    fields: [
      'query',
      'fields',
      'sort',
      'hint',
      'collation',
      'arrayFilters',
      'remove',
      'update',
      'new',
      'upsert',
      'bypassDocumentValidation',
      'let',
    ],
  },
  create: {
    fields: [
      'capped',
      'size',
      'max',
      'autoIndexId',
      'storageEngine',
      'validator',
      'validationLevel',
      'validationAction',
      'indexOptionDefaults',
      'viewOn',
      'pipeline',
      'collation',
      'timeseries',
      'clusteredIndex',
      'changeStreamPreAndPostImages',
      'expireAfterSeconds',
      'encryptedFields',
      'idIndex',
      'temp',
    ],
  },
  createIndexes: { fields: ['indexes', 'commitQuorum'] },
};
SHAPES.findandmodify = SHAPES.findAndModify;

/** find options whose meaning the stand-in does not reproduce; ignoring them would return wrong results. */
const UNSUPPORTED_FIND_OPTIONS = [
  'max',
  'min',
  'returnKey',
  'showRecordId',
  'tailable',
  'oplogReplay',
  'awaitData',
];

/**
 * Refuses, before a command runs, everything the stand-in would otherwise get silently wrong:
 * transactions, unknown fields, collations, `let`, and envelope values a standalone cannot honour.
 */
export function validateCommand(name: string, command: Document): void {
  if (
    command.txnNumber !== undefined ||
    command.startTransaction !== undefined ||
    command.autocommit !== undefined
  ) {
    throw noTransactions();
  }
  checkEnvelope(command);
  const shape = Object.prototype.hasOwnProperty.call(SHAPES, name) ? SHAPES[name] : undefined;
  if (shape) checkFields(name, command, shape);
}

function checkFields(name: string, command: Document, shape: CommandShape): void {
  const known = new Set(shape.fields);
  for (const field of Object.keys(command).slice(1)) {
    if (!known.has(field) && !ENVELOPE.has(field)) throw unknownField(`${name}.${field}`);
  }
  if (command.let !== undefined) {
    throw notSupported(`"let" (command-level variables, on ${name})`);
  }
  checkCollation(command.collation, name);
  if (name === 'find') {
    for (const option of UNSUPPORTED_FIND_OPTIONS) {
      if (command[option]) throw notSupported(`find option "${option}"`);
    }
  }
  if (name === 'createIndexes' && command.commitQuorum !== undefined) {
    throw notSupported('commitQuorum (a standalone has no members to build indexes on)');
  }
  if (!shape.statements) return;
  const { key, fields } = shape.statements;
  const statements: unknown = command[key];
  if (!Array.isArray(statements)) return;
  const allowed = new Set(fields);
  for (const statement of statements as unknown[]) {
    if (!isPlainObject(statement)) throw badValue(`each entry of '${key}' must be an object`);
    for (const field of Object.keys(statement)) {
      if (allowed.has(field)) continue;
      if (name === 'update' && field === 'sort') {
        throw unknownField(
          'update.updates.sort',
          'The mongo stand-in speaks MongoDB 7.0, where update statements have no sort (added in 8.0).',
        );
      }
      throw unknownField(`${name}.${key}.${field}`);
    }
    checkCollation(statement.collation, `${name} statements`);
    if (name === 'delete') checkDeleteLimit(statement.limit);
    if (statement.c !== undefined) {
      throw notSupported('"c" (constants for a pipeline-style update)');
    }
  }
}

function checkDeleteLimit(limit: unknown): void {
  if (limit === undefined) {
    throw new CommandError(
      40414,
      'Location40414',
      "BSON field 'delete.deletes.limit' is missing but a required field",
    );
  }
  if (limit !== 0 && limit !== 1) {
    throw new CommandError(
      9,
      'FailedToParse',
      `The limit field in delete objects must be 0 or 1. Got ${JSON.stringify(limit)}`,
    );
  }
}

/** True for the one collation the stand-in honours: simple, i.e. binary string comparison. */
export function isSimpleCollation(collation: unknown): boolean {
  return isPlainObject(collation) && Object.keys(collation).length === 1 && collation.locale === 'simple';
}

/** Collations change matching, sorting and unique keys; only `{ locale: "simple" }` means what we do. */
export function checkCollation(collation: unknown, where: string): void {
  if (collation === undefined || isSimpleCollation(collation)) return;
  throw notSupported(
    `collation ${JSON.stringify(collation)} (on ${where}; strings compare binary-wise, only { locale: "simple" } is honoured)`,
  );
}

const READ_CONCERN_LEVELS = new Set(['local', 'available', 'majority']);
const MAX_TIME_MS_LIMIT = 2 ** 31 - 1;

/**
 * Envelope values that mean the same on one in-memory node pass (w: 0/1/"majority", j, wtimeout;
 * readConcern local/available/majority; any comment; apiVersion "1"); the rest are refused.
 */
function checkEnvelope(command: Document): void {
  const { writeConcern, readConcern, maxTimeMS } = command;
  if (writeConcern !== undefined) {
    if (!isPlainObject(writeConcern)) throw badValue('writeConcern must be an object');
    const { w } = writeConcern;
    if (typeof w === 'number' && w > 1) {
      throw notSupported(`writeConcern { w: ${w} } (a standalone has no other members to acknowledge)`);
    }
    if (typeof w === 'string' && w !== 'majority') {
      throw notSupported(`writeConcern { w: ${JSON.stringify(w)} } (tag sets need a replica set)`);
    }
  }
  if (readConcern !== undefined) {
    if (!isPlainObject(readConcern)) throw badValue('readConcern must be an object');
    for (const [key, value] of Object.entries(readConcern)) {
      if (key === 'level' && READ_CONCERN_LEVELS.has(value as string)) continue;
      throw notSupported(
        `readConcern ${JSON.stringify({ [key]: value as unknown })} (a standalone stand-in has local reads only)`,
      );
    }
  }
  if (maxTimeMS !== undefined) {
    if (
      typeof maxTimeMS !== 'number' ||
      !Number.isInteger(maxTimeMS) ||
      maxTimeMS < 0 ||
      maxTimeMS > MAX_TIME_MS_LIMIT
    ) {
      throw badValue(`maxTimeMS must be a non-negative 32-bit integer, got ${JSON.stringify(maxTimeMS)}`);
    }
  }
  if (command.apiVersion !== undefined && command.apiVersion !== '1') {
    throw new CommandError(
      322,
      'APIVersionError',
      `API version must be "1", got ${JSON.stringify(command.apiVersion)}`,
    );
  }
  if (command.apiStrict === true) {
    throw notSupported('apiStrict: true (the stand-in does not restrict commands to the Stable API)');
  }
}
