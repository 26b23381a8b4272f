import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { QueueSet } from './queue-set';

/**
 * BullMQ reports connection trouble as `error` events; without a listener it prints them to stderr.
 * They are expected while Redis restarts or a cluster fails over (connections come back by themselves),
 * so they go to the structured log at warn level, and readiness tells the operator the rest.
 */
@Injectable()
export class QueueErrorLogger implements OnModuleInit {
  private readonly logger = new Logger('Queue');

  constructor(private readonly queues: QueueSet) {}

  onModuleInit(): void {
    for (const { queue, partition } of this.queues.all()) {
      const label = this.queues.partitions > 1 ? `${queue.name} (partition ${partition})` : queue.name;
      queue.on('error', (error: Error) => this.logger.warn(`queue ${label}: ${error.message}`));
    }
  }
}
