import { Injectable, Logger } from '@nestjs/common';
import {
  type ConversionRecord,
  DeliveryRepository,
  type EndpointRecord,
  Lookups,
  SourceRepository,
} from '@ricochet/persistence';
import { DeliveryProducer } from '@ricochet/queue';
import {
  type BackfillRun,
  BackfillRunStore,
  backfillDelivery,
  BackfillSelection,
  mapLimited,
} from '@ricochet/forwarding';

/** Deliveries created and queued at once within a batch. */
const WRITE_CONCURRENCY = 8;
/** Back-off after a transient failure (MongoDB, Redis): doubling from the base, capped. */
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 60_000;
/** How soon a run paused by a shutting-down worker is resumed (by any worker). */
const PAUSE_MS = 1_000;

/** The run ended (done, or stopped with an error), or the job should run again at `resumeAtMs`. */
export type BackfillStep = { kind: 'done' } | { kind: 'resume'; resumeAtMs: number };

const DONE: BackfillStep = { kind: 'done' };

/**
 * Executes one backfill (job `backfill`): walks the run's conversions from its checkpoint, batch by
 * batch, and for each one the endpoint fires for creates the delivery the planner would have created
 * (same id, so nothing is ever created twice) and queues its first attempt on the `delivery` queue,
 * where the endpoint's rate limit, circuit breaker and retries apply as for any delivery. Progress is
 * checkpointed after every batch; a killed worker's job is taken over and resumes from the last
 * checkpoint (at most one batch is walked again, its deliveries then counted as skipped).
 *
 * For an endpoint with `maxRps`, first attempts are scheduled one `1/maxRps` slot apart instead of all
 * at once (`nextAttemptAt`, visible in the delivery list), so a large backfill does not wake thousands
 * of jobs that the rate limit would only hold again; the rate limit still has the last word.
 */
@Injectable()
export class BackfillRunner {
  private readonly logger = new Logger(BackfillRunner.name);

  constructor(
    private readonly runs: BackfillRunStore,
    private readonly selection: BackfillSelection,
    private readonly sources: SourceRepository,
    private readonly lookups: Lookups,
    private readonly deliveries: DeliveryRepository,
    private readonly producer: DeliveryProducer,
  ) {}

  /** @param stopping polled between batches: true once the worker is shutting down. */
  async run(runId: string, stopping: () => boolean): Promise<BackfillStep> {
    let run: BackfillRun | null = null;
    try {
      run = await this.runs.get(runId);
      if (!run || run.done) return DONE;
      // The endpoint may have been added moments ago: make sure no process judges its deliveries
      // from a cached copy of the source that does not have it yet.
      this.lookups.invalidateSource(run.sourceId);
      let cursor = run.cursor;
      let nextSlotAtMs = run.nextSlotAtMs;
      for (;;) {
        if (stopping()) return { kind: 'resume', resumeAtMs: Date.now() + PAUSE_MS };
        const endpoint = await this.usableEndpoint(run);
        if (typeof endpoint === 'string') {
          await this.runs.finish(runId, new Date(), endpoint);
          this.logger.warn({ msg: 'backfill stopped', runId, reason: endpoint });
          return DONE;
        }
        const batch = await this.selection.batch(
          {
            sourceId: run.sourceId,
            endpoint,
            from: new Date(run.from),
            until: new Date(run.until),
            statuses: run.statuses,
          },
          cursor,
        );
        if (batch.lastId === undefined) break;
        const pacing = endpoint.maxRps ? { intervalMs: 1000 / endpoint.maxRps, nextSlotAtMs } : undefined;
        const outcomes = await mapLimited(batch.matching, WRITE_CONCURRENCY, (conversion) =>
          this.forward(conversion, endpoint, pacing),
        );
        const created = outcomes.filter((outcome) => outcome === 'created').length;
        cursor = batch.lastId;
        nextSlotAtMs = pacing?.nextSlotAtMs;
        await this.runs.checkpoint(runId, {
          cursor,
          created,
          skipped: outcomes.length - created,
          ...(nextSlotAtMs !== undefined ? { nextSlotAtMs } : {}),
        });
        if (!batch.more) break;
      }
      await this.runs.finish(runId, new Date());
      this.logger.log({ msg: 'backfill done', runId });
      return DONE;
    } catch (error) {
      // Infrastructure: the job runs again after a back-off and resumes from the checkpoint.
      const message = error instanceof Error ? error.message : String(error);
      const failures = run ? await this.runs.recordFailure(runId, message).catch(() => 1) : 1;
      const delayMs = Math.min(RETRY_BASE_MS * 2 ** Math.min(failures - 1, 10), RETRY_MAX_MS);
      this.logger.warn({ msg: 'backfill interrupted; retrying', runId, delayMs, err: message });
      return { kind: 'resume', resumeAtMs: Date.now() + delayMs };
    }
  }

  /** The endpoint as stored now, or why the run cannot go on. */
  private async usableEndpoint(run: BackfillRun): Promise<EndpointRecord | string> {
    const source = await this.sources.findById(run.sourceId);
    if (!source) return `source "${run.sourceId}" was deleted`;
    const endpoint = source.endpoints.find((candidate) => candidate.id === run.endpointId);
    if (!endpoint) return `endpoint "${run.endpointId}" was removed from source "${run.sourceId}"`;
    if (!endpoint.enabled) {
      const why = endpoint.disabledReason ? ` (${endpoint.disabledReason})` : '';
      return (
        `endpoint "${run.endpointId}" was disabled${why}; enable it and start the backfill again ` +
        '(what was already created is skipped)'
      );
    }
    return endpoint;
  }

  /**
   * Creates and queues one conversion's delivery, unless it exists already. A paced slot is reserved
   * before the write (calls run concurrently); one left unused by a skipped conversion only delays the
   * next by one interval.
   */
  private async forward(
    conversion: ConversionRecord,
    endpoint: EndpointRecord,
    pacing: { intervalMs: number; nextSlotAtMs?: number } | undefined,
  ): Promise<'created' | 'skipped'> {
    const key = backfillDelivery(conversion, endpoint.id);
    const now = Date.now();
    const slotMs = pacing ? Math.max(now, pacing.nextSlotAtMs ?? now) : now;
    if (pacing) pacing.nextSlotAtMs = slotMs + pacing.intervalMs;
    const result = await this.deliveries.createIfAbsent({ ...key, nextAttemptAt: new Date(slotMs) });
    if (!result.created) {
      // Planned earlier but never tried (a crash between write and enqueue): make sure it has a job.
      const { existing } = result;
      if (existing.state === 'pending' && existing.attempts === 0) {
        await this.producer.enqueue(existing.id, 'first');
      }
      return 'skipped';
    }
    await this.producer.enqueue(key.id, 'first', { delayMs: Math.max(0, slotMs - Date.now()) });
    return 'created';
  }
}
