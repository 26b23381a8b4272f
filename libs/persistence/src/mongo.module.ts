import { Inject, Injectable, type DynamicModule, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Lookups } from './lookups/lookups.service';
import { MongooseModule } from '@nestjs/mongoose';
import { RICOCHET_CONFIG, type RicochetConfig } from '@ricochet/config';
import { PersistenceIndexesService } from './persistence-indexes.service';
import { PersistenceModule } from './persistence.module';

/**
 * Unique and TTL indexes are part of correctness (dedup, idempotency), so they exist before work starts:
 * by default every process creates the missing ones (`MONGO_INDEXES=ensure`, never dropping anything, safe
 * in a rolling deploy); `npm run migrate` does the rest.
 */
@Injectable()
class IndexesAtBoot implements OnApplicationBootstrap {
  constructor(
    private readonly indexes: PersistenceIndexesService,
    @Inject(RICOCHET_CONFIG) private readonly config: RicochetConfig,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.indexes.atBoot(this.config.mongo.indexes);
  }
}

/**
 * The one MongoDB connection of a process, with Ricochet's models and repositories on it (global).
 * Server selection is bounded so that a write during an outage fails within seconds (the intake answers
 * 503 + Retry-After) instead of hanging on the driver's 30 s default.
 *
 * Every write carries the configured write concern (`MONGO_WRITE_CONCERN`, `majority` by default: a write
 * acknowledged to a client survives a failover). Writes and reads are retried once across a failover
 * (`retryWrites`, `retryReads`). Reads go to the primary; only admin listings and reports follow
 * `MONGO_ADMIN_READ_PREFERENCE` (see docs/mongodb.md).
 */
@Module({})
export class MongoModule {
  /** `indexesAtBoot: false` skips `MONGO_INDEXES` at bootstrap (the migration runs the full sync itself). */
  static forRoot(options: { indexesAtBoot?: boolean } = {}): DynamicModule {
    return {
      module: MongoModule,
      global: true,
      imports: [
        MongooseModule.forRootAsync({
          inject: [RICOCHET_CONFIG],
          useFactory: (config: RicochetConfig) => ({
            uri: config.mongo.url,
            serverSelectionTimeoutMS: 5_000,
            heartbeatFrequencyMS: 2_000,
            appName: 'ricochet',
            w: config.mongo.writeConcern,
            retryWrites: true,
            retryReads: true,
            // The default for every read: attribution reads its own writes. Admin reads opt out per query.
            readPreference: 'primary',
            // Command events feed the `ricochet_mongodb_commands_total` metric.
            monitorCommands: true,
          }),
        }),
        PersistenceModule.forRootAsync({
          inject: [RICOCHET_CONFIG],
          useFactory: (config: RicochetConfig) => ({
            retention: config.retention,
            writeConcern: config.mongo.writeConcern,
            adminReadPreference: config.mongo.adminReadPreference,
          }),
        }),
      ],
      providers: [...(options.indexesAtBoot === false ? [] : [IndexesAtBoot]), Lookups],
      exports: [Lookups],
    };
  }
}
