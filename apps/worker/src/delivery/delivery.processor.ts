import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { QUEUES } from '@ricochet/queue';
import { DELIVERY_LOCK_MS, DeliveryWorkerHost } from './delivery-worker.host';
import { DeliveryService } from './delivery.service';

/** First attempts and manual replays (`delivery` queue). */
@Processor(QUEUES.delivery, { autorun: false, lockDuration: DELIVERY_LOCK_MS })
export class DeliveryProcessor extends DeliveryWorkerHost {
  protected readonly logger = new Logger(DeliveryProcessor.name);

  constructor(service: DeliveryService, @InjectConfig() config: RicochetConfig) {
    super(service, config);
  }
}
