import { Types } from 'mongoose';
import { InvalidIdError } from '../persistence.errors';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** The ObjectId for a 24-hex id, or null: reads treat a malformed id as "not found", never as a 500. */
export function parseObjectId(value: string | undefined): Types.ObjectId | null {
  return value !== undefined && OBJECT_ID.test(value) ? new Types.ObjectId(value) : null;
}

/** The ObjectId for a reference written to the store; a malformed one is refused with {@link InvalidIdError}. */
export function requireObjectId(field: string, value: string): Types.ObjectId {
  const id = parseObjectId(value);
  if (!id) {
    throw new InvalidIdError(field, value);
  }
  return id;
}

/** Like {@link requireObjectId} for optional references. */
export function optionalObjectId(field: string, value: string | undefined): Types.ObjectId | undefined {
  return value === undefined ? undefined : requireObjectId(field, value);
}

/** A filter value for a reference id; a malformed id matches nothing (an ObjectId no document has). */
export function filterObjectId(value: string): Types.ObjectId {
  return parseObjectId(value) ?? NO_MATCH_ID;
}

const NO_MATCH_ID = new Types.ObjectId('000000000000000000000000');
