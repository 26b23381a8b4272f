import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type OnApplicationBootstrap, Logger } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import {
  ATTRIBUTION_JOBS,
  type AttributeJobData,
  AttributionProducer,
  type AttributionJobData,
  type PlanJobData,
  QUEUES,
} from '@ricochet/queue';
import type { Job } from 'bullmq';
import { AttributionService } from './attribution.service';

/** Delay before an attribution job that hit an infrastructure fault runs again (doubling, capped). */
const INFRA_RETRY_BASE_MS = 2_000;
const INFRA_RETRY_MAX_MS = 60_000;
/** Past this attempt number a failing postback is left to the sweeper (no hot loop on a poison job). */
const INFRA_RETRY_MAX_ATTEMPT = 200;

/** Consumes the `attribution` queue: `attribute` (one postback) and `plan` (one conversion state). */
@Processor(QUEUES.attribution)
export class AttributionProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(AttributionProcessor.name);

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly attribution: AttributionService,
    private readonly producer: AttributionProducer,
  ) {
    super();
  }

  /** The decorator is evaluated before config exists; the worker is created by then, so set it here. */
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.worker.attributionConcurrency;
  }

  async process(job: Job<AttributionJobData>): Promise<unknown> {
    if (job.name === ATTRIBUTION_JOBS.plan) {
      const { conversionId, status, reversal } = job.data as PlanJobData;
      return this.attribution.plan(conversionId, status, reversal);
    }
    const { postbackId } = job.data as AttributeJobData;
    const attempt = jobAttempt(job.id, postbackId);
    try {
      return await this.attribution.attribute(postbackId, attempt);
    } catch (error) {
      await this.retryLater(postbackId, attempt, error);
      throw error;
    }
  }

  /**
   * The producer sets no BullMQ `attempts`, so a failed job is not retried by BullMQ: queue the next
   * attempt ourselves while Redis answers (the usual fault is MongoDB being away). If that fails too,
   * the postback is still `accepted` with a due `nextAttemptAt` and the sweeper re-queues it.
   */
  private async retryLater(postbackId: string, attempt: number, error: unknown): Promise<void> {
    if (attempt >= INFRA_RETRY_MAX_ATTEMPT) return;
    const delay = Math.min(INFRA_RETRY_BASE_MS * 2 ** Math.min(attempt, 10), INFRA_RETRY_MAX_MS);
    this.logger.warn({
      msg: 'attribution failed; retrying',
      postbackId,
      attempt,
      delayMs: delay,
      err: error instanceof Error ? error.message : String(error),
    });
    await this.producer.attribute(postbackId, attempt + 1, delay).catch(() => undefined);
  }
}

/** The attempt number in a job id `pb_<postbackId>_<n>`; 0 for anything else. */
export function jobAttempt(jobId: string | undefined, postbackId: string): number {
  const prefix = `pb_${postbackId}_`;
  if (jobId === undefined || !jobId.startsWith(prefix)) return 0;
  const n = Number(jobId.slice(prefix.length));
  return Number.isInteger(n) && n >= 0 ? n : 0;
}
