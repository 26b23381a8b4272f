import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import {
  ATTRIBUTION_JOBS,
  type AttributeJobData,
  type AttributionJobData,
  type BackfillJobData,
  type BulkReplayJobData,
  type PartitionWorkers,
  type PlanJobData,
  QUEUES,
  QueueSet,
} from '@ricochet/queue';
import { DelayedError, type Job } from 'bullmq';
import { BackfillRunner } from '../backfill/backfill.runner';
import { BulkReplayRunner } from '../replay/bulk-replay.runner';
import { AttributionService } from './attribution.service';

/** Delay before an attribution job that hit an infrastructure fault runs again (doubling, capped). */
const INFRA_RETRY_BASE_MS = 2_000;
const INFRA_RETRY_MAX_MS = 60_000;

/**
 * Consumes the `attribution` queue (every partition): `attribute` (one postback, and its deliveries'
 * first attempts), `plan` (the state changes an admin recorded on a conversion), `bulk-replay` and
 * `backfill` (one admin run each). A postback waiting for its click, or hit by an infrastructure fault,
 * delays its own job (same id): one job per postback for its whole life.
 */
@Injectable()
export class AttributionProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AttributionProcessor.name);
  private workers?: PartitionWorkers<AttributionJobData>;

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly queues: QueueSet,
    private readonly attribution: AttributionService,
    private readonly bulkReplay: BulkReplayRunner,
    private readonly backfill: BackfillRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.workers = this.queues.createWorkers<AttributionJobData>(
      QUEUES.attribution,
      (job, token) => this.process(job, token),
      this.config.worker.attributionConcurrency,
    );
    this.workers.start(this.logger);
  }

  /** Stops taking jobs; resolves once the running ones have finished. */
  close(): Promise<void> {
    return this.workers?.close() ?? Promise.resolve();
  }

  // Here rather than at application shutdown: running jobs finish while MongoDB, Redis and the HTTP
  // agent are still open (those close at application shutdown).
  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  private get closing(): boolean {
    return this.workers?.closing ?? false;
  }

  async process(job: Job<AttributionJobData>, token?: string): Promise<void> {
    if (job.name === ATTRIBUTION_JOBS.plan) {
      await this.attribution.plan((job.data as PlanJobData).conversionId);
      return;
    }
    if (job.name === ATTRIBUTION_JOBS.bulkReplay) {
      const { runId } = job.data as BulkReplayJobData;
      const result = await this.bulkReplay.run(runId, () => this.closing);
      if (result === 'done') return;
      // Shutting down: the job waits (not active), and the next worker resumes from the checkpoint.
      await job.moveToDelayed(Date.now() + 1_000, token);
      throw new DelayedError();
    }
    if (job.name === ATTRIBUTION_JOBS.backfill) {
      const { runId } = job.data as BackfillJobData;
      const step = await this.backfill.run(runId, () => this.closing);
      if (step.kind === 'done') return;
      // Shutting down or a transient failure: the job waits, and resumes from the checkpoint.
      await job.moveToDelayed(step.resumeAtMs, token);
      throw new DelayedError();
    }
    const { postbackId } = job.data as AttributeJobData;
    let untilMs: number;
    try {
      const result = await this.attribution.attribute(postbackId);
      if (result.kind === 'done') return;
      untilMs = result.untilMs;
    } catch (error) {
      // The postback stays `accepted` and due in MongoDB; this job tries again after a back-off.
      const delayMs = Math.min(
        INFRA_RETRY_BASE_MS * 2 ** Math.min(job.attemptsStarted, 10),
        INFRA_RETRY_MAX_MS,
      );
      this.logger.warn({
        msg: 'attribution failed; retrying',
        postbackId,
        delayMs,
        err: error instanceof Error ? error.message : String(error),
      });
      untilMs = Date.now() + delayMs;
    }
    await job.moveToDelayed(untilMs, token);
    throw new DelayedError();
  }
}
