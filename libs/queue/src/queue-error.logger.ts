import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QUEUES } from './queue.constants';

/**
 * BullMQ reports connection trouble as `error` events; without a listener it prints them to stderr.
 * They are expected while Redis restarts (connections come back by themselves), so they go to the
 * structured log at warn level, and readiness tells the operator the rest.
 */
@Injectable()
export class QueueErrorLogger implements OnModuleInit {
  private readonly logger = new Logger('Queue');

  constructor(
    @InjectQueue(QUEUES.attribution) private readonly attribution: Queue,
    @InjectQueue(QUEUES.delivery) private readonly delivery: Queue,
    @InjectQueue(QUEUES.deliveryRetry) private readonly deliveryRetry: Queue,
  ) {}

  onModuleInit(): void {
    for (const queue of [this.attribution, this.delivery, this.deliveryRetry]) {
      queue.on('error', (error: Error) => this.logger.warn(`queue ${queue.name}: ${error.message}`));
    }
  }
}
