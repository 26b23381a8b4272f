import { Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { QueueSet } from '@ricochet/queue';
import type { FastifyInstance } from 'fastify';
import { AdminKeys } from '../http/api-key.guard';
import { mountQueueDashboard, QUEUE_DASHBOARD_PATH } from './queue-dashboard';
import { queueDashboardModeOf } from './queue-dashboard.mode';

/** Mounts the queue dashboard on the gateway's fastify instance, as QUEUE_DASHBOARD says. */
@Injectable()
export class QueueDashboard implements OnModuleInit {
  private readonly logger = new Logger('QueueDashboard');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly queues: QueueSet,
  ) {}

  onModuleInit(): void {
    const mode = queueDashboardModeOf(this.config);
    const adapter = this.adapterHost.httpAdapter as { getType?(): string } | undefined;
    if (mode === 'off' || adapter?.getType?.() !== 'fastify') return;
    mountQueueDashboard(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), {
      queues: this.queues.all().map(({ queue, partition }) => ({
        queue,
        partition: this.queues.partitions > 1 ? partition : undefined,
      })),
      keys: new AdminKeys(this.config.admin.apiKeys),
      readOnly: mode === 'read-only',
    });
    this.logger.log(`queue dashboard (${mode}) at ${QUEUE_DASHBOARD_PATH}`);
  }
}

/** bull-board at `/queues`, behind the admin API keys (see docs/operations.md). */
@Module({ providers: [QueueDashboard] })
export class QueueDashboardModule {}
