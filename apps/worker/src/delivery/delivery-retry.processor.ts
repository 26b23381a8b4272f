import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { DeliveryProducer, QUEUES } from '@ricochet/queue';
import { DeliveryWorkerHost } from './delivery-worker.host';
import { DeliveryService } from './delivery.service';

/**
 * Automatic retries (`delivery-retry`), with their own concurrency so a dead endpoint's backlog never
 * delays first attempts to healthy ones. A retry that fails again delays its own job to the next try.
 */
@Processor(QUEUES.deliveryRetry, { autorun: false })
export class DeliveryRetryProcessor extends DeliveryWorkerHost {
  protected readonly logger = new Logger(DeliveryRetryProcessor.name);
  protected readonly lane = 'retry' as const;

  constructor(service: DeliveryService, producer: DeliveryProducer, @InjectConfig() config: RicochetConfig) {
    super(service, producer, config);
  }
}
