import type { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { RicochetConfig } from '@ricochet/config';
import {
  type DeliveryJobData,
  type DeliveryLane,
  DeliveryProducer,
  type PartitionWorkers,
  QUEUES,
  QueueSet,
} from '@ricochet/queue';
import { DelayedError, type Job } from 'bullmq';
import { DeliveryService } from './delivery.service';

/** Back-off for a job that hit an infrastructure fault: 1 s, 2 s, 4 s … at most 1 min. */
export function infrastructureRetryDelayMs(attemptsStarted: number): number {
  return Math.min(1_000 * 2 ** Math.min(Math.max(attemptsStarted - 1, 0), 6), 60_000);
}

/**
 * The shared body of the two delivery processors: unpack the job, call {@link DeliveryService}, and turn
 * "not now" into a BullMQ delay of the same job (`moveToDelayed` + `DelayedError`: the job keeps its id,
 * no successor job is created). The lane's workers (one per queue partition) are started at bootstrap
 * with the configured concurrency, lock and stalled-job check.
 */
export abstract class DeliveryWorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  protected abstract readonly logger: Logger;
  protected abstract readonly lane: DeliveryLane;
  private workers?: PartitionWorkers<DeliveryJobData>;

  protected constructor(
    private readonly service: DeliveryService,
    private readonly producer: DeliveryProducer,
    private readonly queues: QueueSet,
    private readonly config: RicochetConfig,
  ) {}

  async process(job: Job<DeliveryJobData>, token?: string): Promise<void> {
    const { deliveryId, trigger } = job.data;
    let untilMs: number;
    try {
      const result = await this.service.deliver(deliveryId, trigger, this.lane);
      if (result.kind === 'done') return;
      if (result.kind === 'to-retry-lane') {
        await this.producer.enqueue(deliveryId, 'retry', { lane: 'retry', delayMs: result.delayMs });
        return;
      }
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
    const queue = this.lane === 'retry' ? QUEUES.deliveryRetry : QUEUES.delivery;
    this.workers = this.queues.createWorkers<DeliveryJobData>(
      queue,
      (job, token) => this.process(job, token),
      this.config.worker.deliveryConcurrency,
    );
    this.workers.start(this.logger);
  }

  /** Stops taking jobs; resolves once the running ones have finished. */
  close(): Promise<void> {
    return this.workers?.close() ?? Promise.resolve();
  }

  // Here rather than at application shutdown: in-flight jobs finish while MongoDB, Redis and the HTTP
  // agent are still open (those close at application shutdown).
  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}
