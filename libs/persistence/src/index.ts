export { MongoModule } from './mongo.module';
export { PersistenceModule } from './persistence.module';
export { describeSync, PersistenceIndexesService } from './persistence-indexes.service';
export type {
  EnsureIndexesReport,
  IndexBootMode,
  IndexConflict,
  SyncedCollection,
  SyncIndexesReport,
} from './persistence-indexes.service';
export {
  ADMIN_READ_PREFERENCES,
  DEFAULT_RETENTION,
  resolvePersistenceOptions,
  resolveRetention,
} from './persistence.options';
export type {
  AdminReadPreference,
  PersistenceAsyncOptions,
  PersistenceOptions,
  ResolvedPersistenceOptions,
  RetentionOptions,
  WriteConcernW,
} from './persistence.options';
export {
  BatchTooLargeError,
  DuplicateKeyError,
  InvalidCursorError,
  InvalidIdError,
} from './persistence.errors';
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './repositories/pagination';
export type { Page, PageRequest } from './repositories/pagination';
export { DEFAULT_SWEEP_GRACE_MS, DEFAULT_SWEEP_LEASE_MS } from './repositories/sweep';
export type { SweepClaimOptions } from './repositories/sweep';
export { SUB_KEYS } from './schemas/click.schema';
export type { SubKey } from './schemas/click.schema';
export { HISTORY_ACTORS } from './schemas/conversion.schema';
export type { HistoryActor } from './schemas/conversion.schema';
export * from './repositories/advertiser.repository';
export * from './repositories/offer.repository';
export * from './repositories/source.repository';
export * from './repositories/click.repository';
export * from './repositories/postback.repository';
export * from './repositories/conversion.repository';
export * from './repositories/delivery.repository';
export * from './repositories/delivery-attempt.repository';
export * from './repositories/report.repository';
export * from './lookups/lookups.service';
