import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type RicochetConfig, RicochetConfigModule } from '@ricochet/config';
import { ObservabilityModule, PinoLoggerService } from '@ricochet/observability';
import { MongoModule } from '@ricochet/persistence';
import { QueueModule } from '@ricochet/queue';
import { WorkerModule } from './worker.module';

@Module({})
class WorkerRootModule {
  static register(config: RicochetConfig): DynamicModule {
    return {
      module: WorkerRootModule,
      imports: [
        RicochetConfigModule.forRoot({ config }),
        MongoModule.forRoot(),
        QueueModule.forRoot(),
        ObservabilityModule.forRoot('worker'),
        WorkerModule,
      ],
    };
  }
}

/** Builds the worker with its health/metrics HTTP server (not yet listening). */
export async function createWorkerApp(
  config: RicochetConfig,
  options: { logger?: PinoLoggerService | false } = {},
): Promise<NestFastifyApplication> {
  const logger = options.logger ?? new PinoLoggerService(config.logLevel, 'worker');
  return NestFactory.create<NestFastifyApplication>(WorkerRootModule.register(config), new FastifyAdapter(), {
    logger,
    abortOnError: false,
  });
}
