import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { QUEUES } from '@ricochet/queue';
import { DELIVERY_LOCK_MS, DeliveryWorkerHost } from './delivery-worker.host';
import { DeliveryService } from './delivery.service';

/**
 * Automatic retries (`delivery-retry` queue), with their own concurrency so a dead endpoint's backlog
 * never delays first attempts to healthy ones (DESIGN §5).
 */
@Processor(QUEUES.deliveryRetry, { autorun: false, lockDuration: DELIVERY_LOCK_MS })
export class DeliveryRetryProcessor extends DeliveryWorkerHost {
  protected readonly logger = new Logger(DeliveryRetryProcessor.name);

  constructor(service: DeliveryService, @InjectConfig() config: RicochetConfig) {
    super(service, config);
  }
}
