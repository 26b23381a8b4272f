import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { DeliveryProducer, QueueSet } from '@ricochet/queue';
import { DeliveryWorkerHost } from './delivery-worker.host';
import { DeliveryService } from './delivery.service';

/** First attempts that had to wait, sweeper pick-ups of first attempts, and manual replays (`delivery`). */
@Injectable()
export class DeliveryProcessor extends DeliveryWorkerHost {
  protected readonly logger = new Logger(DeliveryProcessor.name);
  protected readonly lane = 'first' as const;

  constructor(
    service: DeliveryService,
    producer: DeliveryProducer,
    queues: QueueSet,
    @InjectConfig() config: RicochetConfig,
  ) {
    super(service, producer, queues, config);
  }
}
