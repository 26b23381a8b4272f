import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { createCommandClient, type RedisClient } from './redis-connection';

/** Runs are kept a week: long enough to look at one after the fact, short enough to clean themselves up. */
const RUN_TTL_SECONDS = 7 * 24 * 3600;

/** The selection a bulk replay walks (the delivery list filters), as stored with the run. */
export interface ReplayRunFilter {
  state?: string | string[];
  endpointId?: string;
  sourceId?: string;
  conversionId?: string;
  from?: string;
  to?: string;
}

/** A bulk replay run: what it selects, where it is, and how it ended. */
export interface ReplayRun {
  runId: string;
  filter: ReplayRunFilter;
  matched: number;
  enqueued: number;
  /** The last delivery id replayed: the run resumes after it (ids are walked in ascending order). */
  afterId?: string;
  done: boolean;
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

/**
 * Bulk replay runs in Redis (a hash per run under the queue prefix), beside the job that executes them:
 * the gateway creates a run and its job, the worker walks it and checkpoints its position after every
 * batch, and any gateway answers its progress. The run and its job live and die together (a flushed
 * Redis loses both; the operator starts the replay again).
 */
@Injectable()
export class ReplayRunStore implements OnApplicationShutdown {
  private readonly redis: RedisClient;
  private readonly prefix: string;

  constructor(@InjectConfig() config: RicochetConfig) {
    this.redis = createCommandClient(config.redis.url);
    this.prefix = `${config.redis.queuePrefix}:admin:bulk-replay:`;
  }

  async start(runId: string, filter: ReplayRunFilter, matched: number, startedAt: Date): Promise<void> {
    const key = this.key(runId);
    await this.redis
      .multi()
      .hset(key, {
        filter: JSON.stringify(filter),
        matched,
        enqueued: 0,
        done: 0,
        startedAt: startedAt.toISOString(),
      })
      .expire(key, RUN_TTL_SECONDS)
      .exec();
  }

  /** Records a finished batch: its last id and how many deliveries it queued, in one write. */
  async checkpoint(runId: string, afterId: string, enqueued: number): Promise<void> {
    const key = this.key(runId);
    await this.redis.multi().hset(key, 'afterId', afterId).hincrby(key, 'enqueued', enqueued).exec();
  }

  async finish(runId: string, finishedAt: Date, error?: string): Promise<void> {
    await this.redis.hset(this.key(runId), {
      done: 1,
      finishedAt: finishedAt.toISOString(),
      ...(error !== undefined ? { error } : {}),
    });
  }

  async get(runId: string): Promise<ReplayRun | null> {
    const fields = await this.redis.hgetall(this.key(runId));
    if (fields.startedAt === undefined) return null;
    return {
      runId,
      filter: JSON.parse(fields.filter ?? '{}') as ReplayRunFilter,
      matched: Number(fields.matched),
      enqueued: Number(fields.enqueued),
      ...(fields.afterId !== undefined ? { afterId: fields.afterId } : {}),
      done: fields.done === '1',
      startedAt: fields.startedAt,
      ...(fields.finishedAt !== undefined ? { finishedAt: fields.finishedAt } : {}),
      ...(fields.error !== undefined ? { error: fields.error } : {}),
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
