import { WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MAX_FORWARD_TIMEOUT_MS, type RicochetConfig } from '@ricochet/config';
import type { DeliveryJobData } from '@ricochet/queue';
import { DelayedError, type Job } from 'bullmq';
import type { DeliveryService } from './delivery.service';

/**
 * Lock held on a delivery job. It must outlast the whole HTTP budget plus the MongoDB writes around it
 * (research/delivery-reliability.md §3), or a slow partner would make a live job look stalled and be
 * sent twice. BullMQ fixes worker options when the worker is built, before the config is injectable,
 * so the lock is a constant; the config refuses a FORWARD_TIMEOUT that does not fit under it.
 */
export const DELIVERY_LOCK_MS = MAX_FORWARD_TIMEOUT_MS + 15_000;

/** Back-off for a job that hit an infrastructure fault: 1 s, 2 s, 4 s … at most 1 min. */
export function infrastructureRetryDelayMs(attemptsStarted: number): number {
  return Math.min(1_000 * 2 ** Math.min(Math.max(attemptsStarted - 1, 0), 6), 60_000);
}

/**
 * The shared body of the two delivery processors: unpack the job, call {@link DeliveryService}, and turn
 * "not now" into a BullMQ delay (`moveToDelayed` + `DelayedError`: no attempt consumed). Workers are
 * built with `autorun: false` and started at bootstrap with the configured concurrency.
 */
export abstract class DeliveryWorkerHost
  extends WorkerHost
  implements OnApplicationBootstrap, OnModuleDestroy
{
  protected abstract readonly logger: Logger;

  protected constructor(
    private readonly service: DeliveryService,
    private readonly config: RicochetConfig,
  ) {
    super();
  }

  async process(job: Job<DeliveryJobData>, token?: string): Promise<void> {
    const { deliveryId, trigger } = job.data;
    let untilMs: number;
    try {
      const result = await this.service.deliver(deliveryId, trigger);
      if (result.kind === 'done') return;
      untilMs = result.untilMs;
    } catch (error) {
      // MongoDB or Redis trouble: never a verdict on the delivery. Try the same job again later.
      const delayMs = infrastructureRetryDelayMs(job.attemptsStarted);
      this.logger.warn({
        msg: `delivery job failed, retrying in ${delayMs} ms`,
        deliveryId,
        err: error instanceof Error ? error.message : String(error),
      });
      untilMs = Date.now() + delayMs;
    }
    await job.moveToDelayed(untilMs, token);
    throw new DelayedError();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.worker.deliveryConcurrency;
    this.worker.run().catch((error: unknown) => {
      this.logger.error(`worker ${this.worker.name} stopped: ${String(error)}`);
    });
  }

  // Here rather than in BullMQ's own onApplicationShutdown: in-flight jobs finish while MongoDB, Redis
  // and the HTTP agent are still open (those close at application shutdown).
  async onModuleDestroy(): Promise<void> {
    await this.worker.close();
  }
}
