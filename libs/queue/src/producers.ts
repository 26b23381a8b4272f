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
import { QueueSet } from './queue-set';

/**
 * Enqueues attribution work: one job per postback, per conversion plan and per bulk replay, on the
 * partition its job id hashes to.
 */
@Injectable()
export class AttributionProducer {
  constructor(private readonly queues: QueueSet) {}

  /** The hot path (intake): a plain add; an id already queued is a no-op. */
  async attribute(postbackId: string): Promise<void> {
    const jobId = JobIds.attribution(postbackId);
    await this.queue(jobId).add(ATTRIBUTION_JOBS.attribute, { postbackId }, { ...JOB_RETENTION, jobId });
  }

  /** Recovery (sweeper, admin replay, a click registered late): replaces an ended job with the same id. */
  ensureAttribution(postbackId: string): Promise<EnsureResult> {
    const jobId = JobIds.attribution(postbackId);
    return ensureJob(this.queue(jobId), ATTRIBUTION_JOBS.attribute, { postbackId }, jobId, { promote: true });
  }

  /** Plans the state changes recorded on the conversion (`pendingPlans`). */
  plan(conversionId: string): Promise<EnsureResult> {
    const jobId = JobIds.plan(conversionId);
    return ensureJob(this.queue(jobId), ATTRIBUTION_JOBS.plan, { conversionId }, jobId);
  }

  bulkReplay(runId: string): Promise<EnsureResult> {
    const jobId = JobIds.bulkReplay(runId);
    return ensureJob(this.queue(jobId), ATTRIBUTION_JOBS.bulkReplay, { runId }, jobId);
  }

  /** One backfill run (its scope and progress are in the backfill run store). */
  backfill(runId: string): Promise<EnsureResult> {
    const jobId = JobIds.backfill(runId);
    return ensureJob(this.queue(jobId), ATTRIBUTION_JOBS.backfill, { runId }, jobId);
  }

  private queue(jobId: string): Queue<AttributionJobData> {
    return this.queues.queueFor<AttributionJobData>(QUEUES.attribution, jobId);
  }
}

/** Which delivery queue a job goes to: first attempts (and replays) or automatic retries. */
export type DeliveryLane = 'first' | 'retry';

@Injectable()
export class DeliveryProducer {
  constructor(private readonly queues: QueueSet) {}

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
    const jobId = JobIds.delivery(deliveryId);
    const queue = this.queues.queueFor<DeliveryJobData>(
      lane === 'retry' ? QUEUES.deliveryRetry : QUEUES.delivery,
      jobId,
    );
    return ensureJob(queue, DELIVERY_JOB, { deliveryId, trigger }, jobId, {
      delayMs: options.delayMs,
      promote: trigger === 'manual',
    });
  }
}
