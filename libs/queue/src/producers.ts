import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { AttemptTrigger } from '@ricochet/domain/model';
import { JobIds } from './job-ids';
import { type EnsureResult, ensureJob, JOB_RETENTION } from './job-store';
import {
  ATTRIBUTION_JOBS,
  type AttributionJobData,
  DELIVERY_JOB,
  type DeliveryJobData,
  QUEUES,
} from './queue.constants';

/** Enqueues attribution work: one job per postback, per conversion plan and per bulk replay. */
@Injectable()
export class AttributionProducer {
  constructor(@InjectQueue(QUEUES.attribution) private readonly queue: Queue<AttributionJobData>) {}

  /** The hot path (intake): a plain add; an id already queued is a no-op. */
  async attribute(postbackId: string): Promise<void> {
    await this.queue.add(
      ATTRIBUTION_JOBS.attribute,
      { postbackId },
      { ...JOB_RETENTION, jobId: JobIds.attribution(postbackId) },
    );
  }

  /** Recovery (sweeper, admin replay, a click registered late): replaces an ended job with the same id. */
  ensureAttribution(postbackId: string): Promise<EnsureResult> {
    return ensureJob(this.queue, ATTRIBUTION_JOBS.attribute, { postbackId }, JobIds.attribution(postbackId), {
      promote: true,
    });
  }

  /** Plans the state changes recorded on the conversion (`pendingPlans`). */
  plan(conversionId: string): Promise<EnsureResult> {
    return ensureJob(this.queue, ATTRIBUTION_JOBS.plan, { conversionId }, JobIds.plan(conversionId));
  }

  bulkReplay(runId: string): Promise<EnsureResult> {
    return ensureJob(this.queue, ATTRIBUTION_JOBS.bulkReplay, { runId }, JobIds.bulkReplay(runId));
  }

  /** One backfill run (its scope and progress are in the backfill run store). */
  backfill(runId: string): Promise<EnsureResult> {
    return ensureJob(this.queue, ATTRIBUTION_JOBS.backfill, { runId }, JobIds.backfill(runId));
  }
}

/** Which delivery queue a job goes to: first attempts (and replays) or automatic retries. */
export type DeliveryLane = 'first' | 'retry';

@Injectable()
export class DeliveryProducer {
  constructor(
    @InjectQueue(QUEUES.delivery) private readonly fresh: Queue<DeliveryJobData>,
    @InjectQueue(QUEUES.deliveryRetry) private readonly retries: Queue<DeliveryJobData>,
  ) {}

  /**
   * Makes sure the delivery has a live job in its lane. A manual replay also promotes a delayed job, so
   * it runs now. The job reads the delivery from MongoDB when it runs; a job that finds its delivery not
   * yet due (`nextAttemptAt` ahead) delays itself to that time.
   */
  enqueue(
    deliveryId: string,
    trigger: AttemptTrigger,
    options: { lane?: DeliveryLane; delayMs?: number } = {},
  ): Promise<EnsureResult> {
    const lane = options.lane ?? (trigger === 'retry' ? 'retry' : 'first');
    return ensureJob(
      lane === 'retry' ? this.retries : this.fresh,
      DELIVERY_JOB,
      { deliveryId, trigger },
      JobIds.delivery(deliveryId),
      { delayMs: options.delayMs, promote: trigger === 'manual' },
    );
  }
}
