/**
 * Named errors of the persistence layer. Each has a stable `name` so the gateway's exception filter and the
 * worker map them without importing mongoose (cursor → 400, duplicate → 409, batch → 413).
 */

/** A pagination cursor that this API did not hand out (or that was tampered with). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';

  constructor(readonly cursor: string) {
    super(`INVALID_CURSOR: "cursor" must be a value returned as nextCursor, got "${cursor.slice(0, 64)}"`);
  }
}

/** A reference id that is not a MongoDB ObjectId (24 hex characters). */
export class InvalidIdError extends Error {
  override readonly name = 'InvalidIdError';

  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(`INVALID_ID: "${field}" must be a 24-character hex id, got "${value.slice(0, 64)}"`);
  }
}

/** A write that collided with a unique index (E11000) where the caller asked for a fresh record. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';

  constructor(
    readonly collection: string,
    readonly key: Record<string, unknown>,
  ) {
    super(`DUPLICATE_KEY: ${collection} already has ${JSON.stringify(key)}`);
  }
}

/** A bulk write larger than the repository accepts in one call. */
export class BatchTooLargeError extends Error {
  override readonly name = 'BatchTooLargeError';

  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`BATCH_TOO_LARGE: at most ${max} items per call, got ${size}`);
  }
}

/** MongoDB's duplicate key error code (E11000). */
export const DUPLICATE_KEY_CODE = 11000;

/** True for a driver error (or bulk write error) caused by a unique index. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY_CODE
  );
}
