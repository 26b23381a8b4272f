import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';

/** Seconds a client should wait before retrying a request that could not be stored. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * MongoDB could not take the write (or the read the request depends on): 503 STORE_UNAVAILABLE with
 * `Retry-After`, which the ErrorFilter sets from `retryAfterSeconds`. Affiliate networks retry a 503.
 */
export class StoreUnavailableError extends ServiceUnavailableException {
  readonly retryAfterSeconds = STORE_RETRY_AFTER_SECONDS;

  constructor(cause: unknown, reason = 'the request could not be stored durably') {
    super(
      {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        code: 'STORE_UNAVAILABLE',
        message: `${reason}; retry in ${STORE_RETRY_AFTER_SECONDS} s`,
      },
      { cause },
    );
  }
}

/**
 * True for the driver's and mongoose's failures (server selection, network, write concern, buffering
 * timeouts): all named `Mongo…`. Validation errors and programming errors are not store outages.
 */
export function isStoreFailure(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name.startsWith('Mongo') && name !== 'MongooseValidationError';
}
