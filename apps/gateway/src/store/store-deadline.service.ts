import { Injectable } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { isStoreFailure, StoreUnavailableError } from './store-unavailable.error';

/** Thrown inside the race when the budget runs out; the caller sees {@link StoreUnavailableError}. */
export class StoreDeadlineError extends Error {
  override readonly name = 'StoreDeadlineError';
}

/**
 * Every MongoDB call on the click and postback request path runs under a time budget (`DB_TIMEOUT`).
 * A stalled primary or a network partition does not fail a call: the driver waits for its heartbeat to
 * notice (tens of seconds), so the request would hang and might get a late 200. The budget answers
 * 503 + Retry-After instead, and the advertiser retries.
 *
 * The call itself is not cancelled: a write the database applies after the 503 leaves an `accepted`
 * postback that is attributed as usual, and the advertiser's retry is then a duplicate of it (dedup on
 * txid or click id + event), so one conversion comes out of both. docs/reliability.md has the details.
 */
@Injectable()
export class StoreDeadline {
  constructor(@InjectConfig() private readonly config: RicochetConfig) {}

  /** Runs a store call, turning an outage or a call slower than the budget into {@link StoreUnavailableError}. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    const budgetMs = this.config.gateway.dbTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreDeadlineError(`no answer from MongoDB within ${budgetMs} ms`)),
        budgetMs,
      );
    });
    const work = call();
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      if (error instanceof StoreDeadlineError) {
        // The call may still settle later; its outcome is deliberately ignored (see above).
        work.catch(() => undefined);
        throw new StoreUnavailableError(error, 'the database did not answer in time');
      }
      throw isStoreFailure(error) ? new StoreUnavailableError(error) : error;
    } finally {
      clearTimeout(timer);
    }
  }
}
