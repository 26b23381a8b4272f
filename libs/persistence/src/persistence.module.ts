import { DynamicModule, Module, Provider } from '@nestjs/common';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { PersistenceIndexesService } from './persistence-indexes.service';
import { PERSISTENCE_MODELS } from './persistence.models';
import {
  PERSISTENCE_OPTIONS,
  PersistenceAsyncOptions,
  PersistenceOptions,
  RetentionOptions,
  resolveRetention,
} from './persistence.options';
import { AdvertiserRepository } from './repositories/advertiser.repository';
import { ClickRepository } from './repositories/click.repository';
import { ConversionRepository } from './repositories/conversion.repository';
import { DeliveryAttemptRepository } from './repositories/delivery-attempt.repository';
import { DeliveryRepository } from './repositories/delivery.repository';
import { OfferRepository } from './repositories/offer.repository';
import { PostbackRepository } from './repositories/postback.repository';
import { ReportRepository } from './repositories/report.repository';
import { SourceRepository } from './repositories/source.repository';

const REPOSITORIES = [
  AdvertiserRepository,
  OfferRepository,
  SourceRepository,
  ClickRepository,
  PostbackRepository,
  ConversionRepository,
  DeliveryRepository,
  DeliveryAttemptRepository,
  ReportRepository,
];

interface ResolvedPersistenceOptions {
  retention: RetentionOptions;
}

/**
 * Ricochet's models and repositories on the app's default mongoose connection (opened by `MongoModule`
 * or `MongooseModule.forRoot`). The TTL indexes are built from the configured retention; models compile once
 * per connection, so several feature modules may import it.
 *
 * ```ts
 * PersistenceModule.forRootAsync({
 *   inject: [RICOCHET_CONFIG],
 *   useFactory: (config: RicochetConfig) => ({ retention: config.retention }),
 * })
 * ```
 * Await {@link PersistenceIndexesService.ensureIndexes} at boot before relying on unique or TTL indexes.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions = {}): DynamicModule {
    return PersistenceModule.build([], {
      provide: PERSISTENCE_OPTIONS,
      useValue: resolveOptions(options),
    });
  }

  static forRootAsync(options: PersistenceAsyncOptions): DynamicModule {
    return PersistenceModule.build(options.imports ?? [], {
      provide: PERSISTENCE_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: unknown[]) => resolveOptions(await options.useFactory(...args)),
    });
  }

  private static build(imports: DynamicModule['imports'], optionsProvider: Provider): DynamicModule {
    const models: Provider[] = PERSISTENCE_MODELS.map(({ name, schema }) => ({
      provide: getModelToken(name),
      inject: [getConnectionToken(), PERSISTENCE_OPTIONS],
      // A second import on the same connection reuses the compiled model instead of failing to overwrite it.
      useFactory: (connection: Connection, resolved: ResolvedPersistenceOptions) =>
        connection.models[name] ?? connection.model(name, schema(resolved.retention)),
    }));
    const exported = [...REPOSITORIES, PersistenceIndexesService];
    return {
      module: PersistenceModule,
      global: true,
      imports,
      providers: [optionsProvider, ...models, ...exported],
      exports: exported,
    };
  }
}

function resolveOptions(options: PersistenceOptions): ResolvedPersistenceOptions {
  return { retention: resolveRetention(options.retention) };
}
