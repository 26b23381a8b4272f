import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { DeliveryProducer, QueueSet } from '@ricochet/queue';
import { DeliveryWorkerHost } from './delivery-worker.host';
import { DeliveryService } from './delivery.service';

/**
 * Automatic retries (`delivery-retry`), with their own concurrency so a dead endpoint's backlog never
 * delays first attempts to healthy ones. A retry that fails again delays its own job to the next try.
 */
@Injectable()
export class DeliveryRetryProcessor extends DeliveryWorkerHost {
  protected readonly logger = new Logger(DeliveryRetryProcessor.name);
  protected readonly lane = 'retry' as const;

  constructor(
    service: DeliveryService,
    producer: DeliveryProducer,
    queues: QueueSet,
    @InjectConfig() config: RicochetConfig,
  ) {
    super(service, producer, queues, config);
  }
}
