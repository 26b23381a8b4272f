import { FactoryProvider, ModuleMetadata } from '@nestjs/common';

/**
 * How long the high-volume, append-only collections keep their documents. Each value becomes
 * the `expireAfterSeconds` of a TTL index; `0` means "keep forever" (no TTL index).
 */
export interface RetentionOptions {
  /** Clicks, counted from `createdAt`. */
  clicksDays: number;
  /** Raw postbacks, counted from `receivedAt`. */
  postbacksDays: number;
  /** Delivery attempts (HTTP tries), counted from `startedAt`. */
  attemptsDays: number;
}

/** Defaults an operator of Voluum/Binom/Keitaro would expect: clicks 90 d, postbacks 180 d, attempts 30 d. */
export const DEFAULT_RETENTION: Readonly<RetentionOptions> = Object.freeze({
  clicksDays: 90,
  postbacksDays: 180,
  attemptsDays: 30,
});

export interface PersistenceOptions {
  retention?: Partial<RetentionOptions>;
}

export interface PersistenceAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors Nest's own useFactory signature
  useFactory: (...args: any[]) => PersistenceOptions | Promise<PersistenceOptions>;
  inject?: FactoryProvider['inject'];
}

/** Injection token of the resolved {@link PersistenceOptions}. */
export const PERSISTENCE_OPTIONS = Symbol('PERSISTENCE_OPTIONS');

const DAY_SECONDS = 24 * 60 * 60;

/** Fills in defaults and refuses values that would silently delete data (negative or fractional days). */
export function resolveRetention(retention: Partial<RetentionOptions> = {}): RetentionOptions {
  const resolved: RetentionOptions = { ...DEFAULT_RETENTION, ...definedOnly(retention) };
  for (const [name, days] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(days) || days < 0) {
      throw new RangeError(
        `retention.${name} must be a whole number of days >= 0 (0 keeps forever), got ${days}`,
      );
    }
  }
  return resolved;
}

/** A TTL in seconds for a number of retention days, or undefined when the collection is kept forever. */
export function ttlSeconds(days: number): number | undefined {
  return days > 0 ? days * DAY_SECONDS : undefined;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
