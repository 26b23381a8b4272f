import { withTimeout } from './with-timeout';

export interface ScrapeCacheOptions {
  /** A value younger than this is served without asking the database again. */
  ttlMs: number;
  /** A scrape waits at most this long for a load; past it the scrape gets an error, the load runs on. */
  timeoutMs: number;
  /**
   * A load still pending after this long (a frozen server that never answers) is given up, so the
   * next scrape starts a fresh one. Defaults to ten times `timeoutMs`.
   */
  abandonAfterMs?: number;
}

/**
 * A value computed on scrape (a count in MongoDB, job counts in Redis), reused for `ttlMs`. At most one
 * load runs at a time: concurrent scrapes, and scrapes made while a slow load is still pending, share
 * it, so a frozen database never collects a pile of queries. A scrape never waits longer than
 * `timeoutMs`; a failed or late load is not cached, the next scrape tries again.
 */
export class ScrapeCache<T> {
  private value?: { at: number; data: T };
  private pending?: { startedAt: number; promise: Promise<T> };
  private readonly abandonAfterMs: number;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly options: ScrapeCacheOptions,
  ) {
    this.abandonAfterMs = options.abandonAfterMs ?? options.timeoutMs * 10;
  }

  get(): Promise<T> {
    const now = Date.now();
    if (this.value && now - this.value.at < this.options.ttlMs) return Promise.resolve(this.value.data);
    if (!this.pending || now - this.pending.startedAt > this.abandonAfterMs) {
      const entry = { startedAt: now, promise: this.load() };
      this.pending = entry;
      entry.promise
        .then((data) => {
          if (this.pending === entry) this.value = { at: Date.now(), data };
        })
        .catch(() => undefined)
        .finally(() => {
          if (this.pending === entry) this.pending = undefined;
        });
    }
    return withTimeout(this.pending.promise, this.options.timeoutMs);
  }

  /** Forgets the cached value: the next scrape loads a fresh one. */
  expire(): void {
    this.value = undefined;
  }
}
