import { type DynamicModule, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type RicochetConfig, RicochetConfigModule } from '@ricochet/config';
import { ObservabilityModule, PinoLoggerService } from '@ricochet/observability';
import { MongoModule } from '@ricochet/persistence';
import { QueueModule } from '@ricochet/queue';
import { AttributionProcessor } from './attribution/attribution.processor';
import { DeliveryRetryProcessor } from './delivery/delivery-retry.processor';
import { DeliveryProcessor } from './delivery/delivery.processor';
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

/**
 * Every queue stops taking jobs the moment the signal arrives; each host's `onModuleDestroy` then waits
 * for its running jobs (BullMQ hands it the same close). Nest runs those hooks module by module —
 * attribution, then delivery — so without this the delivery queues kept taking new jobs while the
 * attribution jobs finished, and the drain lasted the sum of both.
 */
export function stopTakingJobs(app: INestApplicationContext): void {
  for (const host of [AttributionProcessor, DeliveryProcessor, DeliveryRetryProcessor]) {
    try {
      // A failure shows where the host awaits the same close.
      app
        .get(host)
        .close()
        .catch(() => undefined);
    } catch {
      // Not started yet (a signal during boot): there is nothing to stop.
    }
  }
}
