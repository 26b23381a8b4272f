import { Injectable, type DynamicModule, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Lookups } from './lookups/lookups.service';
import { MongooseModule } from '@nestjs/mongoose';
import { RICOCHET_CONFIG, type RicochetConfig } from '@ricochet/config';
import { PersistenceIndexesService } from './persistence-indexes.service';
import { PersistenceModule } from './persistence.module';

/** Unique and TTL indexes are part of correctness (dedup, idempotency), so they exist before work starts. */
@Injectable()
class IndexesAtBoot implements OnApplicationBootstrap {
  constructor(private readonly indexes: PersistenceIndexesService) {}

  onApplicationBootstrap(): Promise<void> {
    return this.indexes.ensureIndexes();
  }
}

/**
 * The one MongoDB connection of a process, with Ricochet's models and repositories on it (global).
 * Server selection is bounded so that a write during an outage fails within seconds (the intake answers
 * 503 + Retry-After) instead of hanging on the driver's 30 s default.
 */
@Module({})
export class MongoModule {
  static forRoot(): DynamicModule {
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
            // Command events feed the `ricochet_mongodb_commands_total` metric.
            monitorCommands: true,
          }),
        }),
        PersistenceModule.forRootAsync({
          inject: [RICOCHET_CONFIG],
          useFactory: (config: RicochetConfig) => ({ retention: config.retention }),
        }),
      ],
      providers: [IndexesAtBoot, Lookups],
      exports: [Lookups],
    };
  }
}
