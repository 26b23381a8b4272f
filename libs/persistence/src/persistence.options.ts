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

/**
 * The `w` of Ricochet's writes: `majority` (acknowledged once a majority of the replica set has the write,
 * so it survives a failover) or a number of members. The connection carries it (MongoModule passes the
 * same config value to the client); the options carry it too, because an operation-level write concern
 * replaces the client's whole and must repeat `w`.
 */
export type WriteConcernW = 'majority' | number;

/** Modes an admin listing or report may read with. Never used for attribution, intake or sweeper claims. */
export const ADMIN_READ_PREFERENCES = [
  'primary',
  'primaryPreferred',
  'secondaryPreferred',
  'secondary',
  'nearest',
] as const;
export type AdminReadPreference = (typeof ADMIN_READ_PREFERENCES)[number];

/** Upper bound of a numeric `w` (a replica set has at most 50 members). */
export const MAX_WRITE_CONCERN_MEMBERS = 50;

export interface PersistenceOptions {
  retention?: Partial<RetentionOptions>;
  /** Default `majority`. Must equal the connection's `w`. */
  writeConcern?: WriteConcernW;
  /**
   * Where admin listings (the repositories' `list` methods) and reports read. Default `primary`.
   * Nothing else follows it: reads that lead to writes always read the primary.
   */
  adminReadPreference?: AdminReadPreference;
}

/** {@link PersistenceOptions} with every default filled in (what `PERSISTENCE_OPTIONS` injects). */
export interface ResolvedPersistenceOptions {
  retention: RetentionOptions;
  writeConcern: WriteConcernW;
  adminReadPreference: AdminReadPreference;
}

export interface PersistenceAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors Nest's own useFactory signature
  useFactory: (...args: any[]) => PersistenceOptions | Promise<PersistenceOptions>;
  inject?: FactoryProvider['inject'];
}

/** Injection token of the {@link ResolvedPersistenceOptions}. */
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

/** Fills in every default and refuses a write concern or read preference MongoDB would not accept. */
export function resolvePersistenceOptions(options: PersistenceOptions = {}): ResolvedPersistenceOptions {
  const writeConcern = options.writeConcern ?? 'majority';
  if (
    writeConcern !== 'majority' &&
    !(Number.isSafeInteger(writeConcern) && writeConcern >= 1 && writeConcern <= MAX_WRITE_CONCERN_MEMBERS)
  ) {
    throw new RangeError(
      `writeConcern must be "majority" or a whole number of members 1-${MAX_WRITE_CONCERN_MEMBERS}, got ${String(writeConcern)}`,
    );
  }
  const adminReadPreference = options.adminReadPreference ?? 'primary';
  if (!(ADMIN_READ_PREFERENCES as readonly string[]).includes(adminReadPreference)) {
    throw new RangeError(
      `adminReadPreference must be one of ${ADMIN_READ_PREFERENCES.join(', ')}, got ${String(adminReadPreference)}`,
    );
  }
  return { retention: resolveRetention(options.retention), writeConcern, adminReadPreference };
}

/** A TTL in seconds for a number of retention days, or undefined when the collection is kept forever. */
export function ttlSeconds(days: number): number | undefined {
  return days > 0 ? days * DAY_SECONDS : undefined;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
