import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { RICOCHET_CONFIG, type RicochetConfig } from '@ricochet/config';
import { ConfigChangeBus } from './config-change.bus';
import { AttributionProducer, DeliveryProducer } from './producers';
import { QUEUES } from './queue.constants';
import { QueueErrorLogger } from './queue-error.logger';
import { bullConnectionOptions } from './redis-connection';
import { RedisPolicyCheck } from './redis-policy.check';
import { ReplayRunStore } from './replay-run.store';

/**
 * BullMQ's root connection from the validated config, plus the queues this codebase uses, registered
 * once. Producers and processors inject queues through this module and never open their own connection.
 */
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    const queues = BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name })));
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [RICOCHET_CONFIG],
          useFactory: (config: RicochetConfig) => ({
            connection: bullConnectionOptions(config.redis.url),
            prefix: config.redis.queuePrefix,
          }),
        }),
        queues,
      ],
      providers: [
        RedisPolicyCheck,
        QueueErrorLogger,
        ConfigChangeBus,
        AttributionProducer,
        DeliveryProducer,
        ReplayRunStore,
      ],
      exports: [queues, AttributionProducer, DeliveryProducer, ReplayRunStore],
    };
  }
}
