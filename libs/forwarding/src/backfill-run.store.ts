import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { CONVERSION_STATUSES, type ConversionStatus } from '@ricochet/domain/model';
import { createCommandClient, type RedisClient } from '@ricochet/queue';

/** Runs are kept a week after their last write: long enough to look at one, short enough to clean up. */
export const BACKFILL_RUN_TTL_SECONDS = 7 * 24 * 3600;

/** What a backfill forwards: the conversions of one source in a time range, to one of its endpoints. */
export interface BackfillScopeSpec {
  sourceId: string;
  endpointId: string;
  /** Conversions created at or after this time (ISO 8601). */
  from: string;
  /** …and before this time, as asked (ISO 8601). */
  to: string;
  /**
   * …and before this time: `to`, or the start of the run when `to` is later. Conversions created after
   * the start are planned by attribution as usual (the endpoint exists by then), so the walk ends here.
   */
  until: string;
  /** Conversion statuses walked (their current status), a subset of the endpoint's statuses. */
  statuses: ConversionStatus[];
}

/** One backfill run: its scope, where the walk is, and what it did. */
export interface BackfillRun extends BackfillScopeSpec {
  runId: string;
  /** Conversions the endpoint fired for when the run was started. */
  matched: number;
  /** Matching conversions handled so far: `created + skipped`. */
  processed: number;
  /** Deliveries this run created and queued. */
  created: number;
  /** Matching conversions that already had the delivery (from the live pipeline or an earlier backfill). */
  skipped: number;
  /** The last conversion id handled: the walk resumes after it (ids are walked newest first). */
  cursor?: string;
  /** When the next paced first attempt may go (unix ms), for an endpoint with `maxRps`. */
  nextSlotAtMs?: number;
  done: boolean;
  startedAt: string;
  finishedAt?: string;
  /** Why the run stopped before the end of its range. */
  error?: string;
  /** The last transient failure (MongoDB, Redis) since the last checkpoint; the run retries by itself. */
  lastError?: string;
  /** Consecutive transient failures since the last checkpoint. */
  failures: number;
}

/** What one checkpoint adds to the run. */
export interface BackfillBatchResult {
  cursor: string;
  created: number;
  skipped: number;
  nextSlotAtMs?: number;
}

/**
 * Backfill runs in Redis (a hash per run under the queue prefix), beside the job that executes them: the
 * gateway creates a run and its job, the worker walks it and checkpoints after every batch, and any
 * gateway answers its progress. A flushed Redis loses both the run and its job; starting the backfill
 * again creates only what is still missing.
 */
@Injectable()
export class BackfillRunStore implements OnApplicationShutdown {
  private readonly redis: RedisClient;
  private readonly prefix: string;

  constructor(@InjectConfig() config: RicochetConfig) {
    this.redis = createCommandClient(config.redis.url);
    this.prefix = `${config.redis.queuePrefix}:admin:backfill:`;
  }

  async start(runId: string, scope: BackfillScopeSpec, matched: number, startedAt: Date): Promise<void> {
    const key = this.key(runId);
    await this.redis
      .multi()
      .hset(key, {
        sourceId: scope.sourceId,
        endpointId: scope.endpointId,
        from: scope.from,
        to: scope.to,
        until: scope.until,
        statuses: scope.statuses.join(','),
        matched,
        processed: 0,
        created: 0,
        skipped: 0,
        failures: 0,
        done: 0,
        startedAt: startedAt.toISOString(),
      })
      .expire(key, BACKFILL_RUN_TTL_SECONDS)
      .exec();
  }

  /** Records a finished batch in one write: its last conversion id and what it did. */
  async checkpoint(runId: string, batch: BackfillBatchResult): Promise<void> {
    const key = this.key(runId);
    const tx = this.redis
      .multi()
      .hset(key, { cursor: batch.cursor, failures: 0 })
      .hdel(key, 'lastError')
      .hincrby(key, 'created', batch.created)
      .hincrby(key, 'skipped', batch.skipped)
      .hincrby(key, 'processed', batch.created + batch.skipped);
    if (batch.nextSlotAtMs !== undefined) tx.hset(key, 'nextSlotAtMs', batch.nextSlotAtMs);
    await tx.expire(key, BACKFILL_RUN_TTL_SECONDS).exec();
  }

  /** A transient failure: recorded for the progress answer. @returns consecutive failures so far. */
  async recordFailure(runId: string, message: string): Promise<number> {
    const key = this.key(runId);
    const result = await this.redis
      .multi()
      .hset(key, 'lastError', message.slice(0, 500))
      .hincrby(key, 'failures', 1)
      .exec();
    const failures = result?.[1]?.[1];
    return typeof failures === 'number' ? failures : 1;
  }

  async finish(runId: string, finishedAt: Date, error?: string): Promise<void> {
    const key = this.key(runId);
    await this.redis
      .multi()
      .hset(key, {
        done: 1,
        finishedAt: finishedAt.toISOString(),
        ...(error !== undefined ? { error } : {}),
      })
      .hdel(key, 'lastError')
      .expire(key, BACKFILL_RUN_TTL_SECONDS)
      .exec();
  }

  async get(runId: string): Promise<BackfillRun | null> {
    const fields = await this.redis.hgetall(this.key(runId));
    if (fields.startedAt === undefined) return null;
    return {
      runId,
      sourceId: fields.sourceId ?? '',
      endpointId: fields.endpointId ?? '',
      from: fields.from ?? '',
      to: fields.to ?? '',
      until: fields.until ?? fields.to ?? '',
      statuses: parseStatuses(fields.statuses),
      matched: Number(fields.matched ?? 0),
      processed: Number(fields.processed ?? 0),
      created: Number(fields.created ?? 0),
      skipped: Number(fields.skipped ?? 0),
      ...(fields.cursor !== undefined ? { cursor: fields.cursor } : {}),
      ...(fields.nextSlotAtMs !== undefined ? { nextSlotAtMs: Number(fields.nextSlotAtMs) } : {}),
      done: fields.done === '1',
      startedAt: fields.startedAt,
      ...(fields.finishedAt !== undefined ? { finishedAt: fields.finishedAt } : {}),
      ...(fields.error !== undefined ? { error: fields.error } : {}),
      ...(fields.lastError !== undefined ? { lastError: fields.lastError } : {}),
      failures: Number(fields.failures ?? 0),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'wait') {
      this.redis.disconnect();
      return;
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(runId: string): string {
    return `${this.prefix}${runId}`;
  }
}

function parseStatuses(stored: string | undefined): ConversionStatus[] {
  return (stored ?? '')
    .split(',')
    .filter((status): status is ConversionStatus =>
      (CONVERSION_STATUSES as readonly string[]).includes(status),
    );
}
