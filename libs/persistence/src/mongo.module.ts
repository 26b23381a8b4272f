import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { RICOCHET_CONFIG, type RicochetConfig } from '@ricochet/config';

/**
 * The one MongoDB connection of a process. Server selection is bounded so that a write during an outage
 * fails within seconds (the intake answers 503 + Retry-After) instead of hanging on the driver's 30 s default.
 */
@Module({})
export class MongoModule {
  static forRoot(): DynamicModule {
    return {
      module: MongoModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: [RICOCHET_CONFIG],
          useFactory: (config: RicochetConfig) => ({
            uri: config.mongo.url,
            serverSelectionTimeoutMS: 5_000,
            heartbeatFrequencyMS: 2_000,
            appName: 'ricochet',
          }),
        }),
      ],
    };
  }
}
