import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigChangeBus } from './config-change.bus';
import { AttributionProducer, DeliveryProducer } from './producers';
import { QueueErrorLogger } from './queue-error.logger';
import { QueueSet } from './queue-set';
import { RedisPolicyCheck } from './redis-policy.check';
import { ReplayRunStore } from './replay-run.store';

/**
 * The process's queues ({@link QueueSet}: every partition of every queue kind, from the validated
 * config), their producers and the Redis start-up check. Producers, processors, metrics and the
 * dashboard reach queues through the set and never open their own queue connection.
 */
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      providers: [
        QueueSet,
        RedisPolicyCheck,
        QueueErrorLogger,
        ConfigChangeBus,
        AttributionProducer,
        DeliveryProducer,
        ReplayRunStore,
      ],
      exports: [QueueSet, AttributionProducer, DeliveryProducer, ReplayRunStore],
    };
  }
}
