import { DynamicModule, Module, Provider } from '@nestjs/common';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import { Connection, Schema } from 'mongoose';
import { PersistenceIndexesService } from './persistence-indexes.service';
import { PERSISTENCE_MODELS } from './persistence.models';
import {
  PERSISTENCE_OPTIONS,
  PersistenceAsyncOptions,
  PersistenceOptions,
  ResolvedPersistenceOptions,
  resolvePersistenceOptions,
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

/**
 * Ricochet's models and repositories on the app's default mongoose connection (opened by `MongoModule`
 * or `MongooseModule.forRoot`). The TTL indexes are built from the configured retention; models compile once
 * per connection, so several feature modules may import it.
 *
 * ```ts
 * PersistenceModule.forRootAsync({
 *   inject: [RICOCHET_CONFIG],
 *   useFactory: (config: RicochetConfig) => ({ retention: config.retention, writeConcern: config.mongo.writeConcern }),
 * })
 * ```
 * Models never build indexes on their own (mongoose `autoIndex` is off): await
 * {@link PersistenceIndexesService.ensureIndexes} (create what is missing) or `syncIndexes` (the full
 * migration) before relying on unique or TTL indexes.
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
        connection.models[name] ?? connection.model(name, prepared(schema(resolved.retention), resolved)),
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
  return resolvePersistenceOptions(options);
}

/**
 * Index builds belong to {@link PersistenceIndexesService} alone, never to model compilation (mongoose's
 * `autoIndex` would race it and swallow its conflicts). A schema-level write concern (postbacks ask to be
 * journaled) replaces the connection's on every mongoose write to that collection, so it repeats the
 * configured `w`.
 */
function prepared(schema: Schema, options: ResolvedPersistenceOptions): Schema {
  schema.set('autoIndex', false);
  const writeConcern = schema.get('writeConcern');
  if (writeConcern) {
    schema.set('writeConcern', { ...writeConcern, w: options.writeConcern });
  }
  return schema;
}
