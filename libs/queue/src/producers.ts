import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import type { AttemptTrigger, ConversionStatus } from '@ricochet/domain/model';
import {
  ATTRIBUTION_JOBS,
  type AttributionJobData,
  DELIVERY_JOB,
  type DeliveryJobData,
  QUEUES,
} from './queue.constants';

/**
 * Jobs are removed when done: MongoDB holds the state and the attempt log, Redis only dispatches.
 * A bounded failed-job history helps debugging without growing Redis without limit.
 */
const DONE: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
};

/**
 * Deterministic job ids make enqueueing idempotent: the sweeper may re-enqueue an item whose job is still
 * alive and BullMQ ignores the duplicate. The suffix (attempt number, plan status) keeps a new attempt
 * from colliding with the job that schedules it. BullMQ ids must not contain ':' nor be all digits.
 */
@Injectable()
export class AttributionProducer {
  constructor(@InjectQueue(QUEUES.attribution) private readonly queue: Queue<AttributionJobData>) {}

  /** `attempt` is the postback's attribution attempt number (0 for the first). */
  async attribute(postbackId: string, attempt = 0, delayMs = 0): Promise<void> {
    await this.queue.add(
      ATTRIBUTION_JOBS.attribute,
      { postbackId },
      { ...DONE, jobId: `pb_${postbackId}_${attempt}`, delay: delayMs },
    );
  }

  async plan(conversionId: string, status: ConversionStatus, reversal: boolean): Promise<void> {
    await this.queue.add(
      ATTRIBUTION_JOBS.plan,
      { conversionId, status, reversal },
      { ...DONE, jobId: `plan_${conversionId}_${status}` },
    );
  }
}

@Injectable()
export class DeliveryProducer {
  constructor(
    @InjectQueue(QUEUES.delivery) private readonly fresh: Queue<DeliveryJobData>,
    @InjectQueue(QUEUES.deliveryRetry) private readonly retries: Queue<DeliveryJobData>,
  ) {}

  /**
   * `attemptNo` is the number of the attempt this job will make (1 for the first). First attempts and
   * manual replays use the `delivery` queue; automatic retries and sweeper pick-ups of retries use
   * `delivery-retry`.
   */
  async enqueue(deliveryId: string, attemptNo: number, trigger: AttemptTrigger, delayMs = 0): Promise<void> {
    const queue = trigger === 'retry' || (trigger === 'sweeper' && attemptNo > 1) ? this.retries : this.fresh;
    await queue.add(
      DELIVERY_JOB,
      { deliveryId, trigger },
      {
        ...DONE,
        jobId: `dl_${deliveryId}_${attemptNo}${trigger === 'manual' ? `_m${Date.now()}` : ''}`,
        delay: delayMs,
      },
    );
  }
}
