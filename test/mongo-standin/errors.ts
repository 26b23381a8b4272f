import { type Document, ObjectId } from 'bson';

/** A command failure answered as `{ ok: 0, code, codeName, errmsg }`, the shape drivers map to MongoServerError. */
export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

export const badValue = (message: string): CommandError => new CommandError(2, 'BadValue', message);

export const notSupported = (what: string): CommandError =>
  new CommandError(
    2,
    'BadValue',
    `${what} is not supported by the mongo stand-in; run against a real MongoDB (MONGO_URL)`,
  );

/** What mongod's IDL parser answers for a field a command does not have (in the MongoDB version we speak). */
export const unknownField = (path: string, note = ''): CommandError =>
  new CommandError(
    40415,
    'Location40415',
    `BSON field '${path}' is an unknown field.${note ? ` ${note}` : ''}`,
  );

/**
 * What a standalone mongod answers for anything carrying a transaction number: the stand-in is a
 * standalone, so it has neither transactions nor retryable writes.
 */
export const noTransactions = (): CommandError =>
  new CommandError(
    20,
    'IllegalOperation',
    'Transaction numbers are only allowed on a replica set member or mongos ' +
      '(the mongo stand-in is a standalone server: no transactions, no retryable writes)',
  );

export const namespaceNotFound = (message: string): CommandError =>
  new CommandError(26, 'NamespaceNotFound', message);

/** E11000 with the fields mongoose and callers read: `keyPattern`, `keyValue`, and MongoDB's errmsg wording. */
export class DuplicateKeyError extends CommandError {
  constructor(ns: string, indexName: string, keyPattern: Document, keyValue: Document) {
    super(
      11000,
      'DuplicateKey',
      `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: ${formatKeyValue(keyValue)}`,
      { keyPattern, keyValue },
    );
  }
}

/** Renders `{ email: "a@b.c", n: 1 }` the way the server's errmsg does, so tests matching on it behave alike. */
function formatKeyValue(keyValue: Document): string {
  const parts = Object.entries(keyValue).map(([field, value]) => `${field}: ${formatValue(value)}`);
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  return JSON.stringify(value);
}

/** Turns anything thrown while running a command into a reply; mingo's errors are bad input, not server faults. */
export function errorReply(error: unknown): Document {
  if (error instanceof CommandError) return error.toReply();
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.constructor.name === 'MingoError') {
    return new CommandError(2, 'BadValue', message).toReply();
  }
  return new CommandError(1, 'InternalError', `mongo stand-in internal error: ${message}`).toReply();
}
