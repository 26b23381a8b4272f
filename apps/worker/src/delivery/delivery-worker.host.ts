import type { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import type { RicochetConfig } from '@ricochet/config';
import { type DeliveryJobData, type DeliveryLane, DeliveryProducer, tuneWorker } from '@ricochet/queue';
import { DelayedError, type Job } from 'bullmq';
import { DeliveryService } from './delivery.service';

/** Back-off for a job that hit an infrastructure fault: 1 s, 2 s, 4 s … at most 1 min. */
export function infrastructureRetryDelayMs(attemptsStarted: number): number {
  return Math.min(1_000 * 2 ** Math.min(Math.max(attemptsStarted - 1, 0), 6), 60_000);
}

/**
 * The shared body of the two delivery processors: unpack the job, call {@link DeliveryService}, and turn
 * "not now" into a BullMQ delay of the same job (`moveToDelayed` + `DelayedError`: the job keeps its id,
 * no successor job is created). Workers are built with `autorun: false` and started at bootstrap with
 * the configured concurrency, lock and stalled-job check.
 */
export abstract class DeliveryWorkerHost
  extends WorkerHost
  implements OnApplicationBootstrap, OnModuleDestroy
{
  protected abstract readonly logger: Logger;
  protected abstract readonly lane: DeliveryLane;

  protected constructor(
    private readonly service: DeliveryService,
    private readonly producer: DeliveryProducer,
    private readonly config: RicochetConfig,
  ) {
    super();
  }

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
    tuneWorker(this.worker, this.config, this.config.worker.deliveryConcurrency);
    this.worker.on('error', (error: Error) => {
      this.logger.warn({ msg: 'delivery worker error', queue: this.worker.name, err: error.message });
    });
    this.worker.on('failed', (job: Job | undefined, error: Error) => {
      // Only infrastructure ends a delivery job this way (a stalled job past its limit): the delivery
      // is still due in MongoDB, and the sweeper enqueues it again.
      this.logger.warn({ msg: 'delivery job failed', jobId: job?.id, err: error.message });
    });
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
