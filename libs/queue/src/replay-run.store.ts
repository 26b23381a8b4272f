import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { bullConnectionOptions } from '@ricochet/queue';
import { Redis } from 'ioredis';
import type { ReplayProgressResponse } from './dto/bulk-replay.dto';

/** Progress is kept a week: long enough to look at a run after the fact, short enough to clean itself up. */
const PROGRESS_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Bulk replay progress in Redis (a hash per run under the queue prefix), so any gateway instance can
 * answer `GET /api/deliveries/replay/:replayId`, not only the one running it.
 */
@Injectable()
export class ReplayProgressStore implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(@InjectConfig() config: RicochetConfig) {
    // Lazy: nothing connects before the first command. Bounded retries per command: a progress read
    // during a Redis outage fails instead of hanging.
    this.redis = new Redis({
      ...bullConnectionOptions(config.redis.url),
      maxRetriesPerRequest: 2,
      lazyConnect: true,
    });
    this.prefix = `${config.redis.queuePrefix}:admin:bulk-replay:`;
  }

  async start(replayId: string, matched: number, startedAt: Date): Promise<void> {
    const key = this.key(replayId);
    await this.redis
      .multi()
      .hset(key, { matched, enqueued: 0, done: 0, startedAt: startedAt.toISOString() })
      .expire(key, PROGRESS_TTL_SECONDS)
      .exec();
  }

  async addEnqueued(replayId: string, count: number): Promise<void> {
    await this.redis.hincrby(this.key(replayId), 'enqueued', count);
  }

  async finish(replayId: string, finishedAt: Date, error?: string): Promise<void> {
    await this.redis.hset(this.key(replayId), {
      done: 1,
      finishedAt: finishedAt.toISOString(),
      ...(error !== undefined ? { error } : {}),
    });
  }

  async get(replayId: string): Promise<ReplayProgressResponse | null> {
    const fields = await this.redis.hgetall(this.key(replayId));
    if (fields.startedAt === undefined) return null;
    return {
      replayId,
      matched: Number(fields.matched),
      enqueued: Number(fields.enqueued),
      done: fields.done === '1',
      startedAt: fields.startedAt,
      ...(fields.finishedAt !== undefined ? { finishedAt: fields.finishedAt } : {}),
      ...(fields.error !== undefined ? { error: fields.error } : {}),
    };
  }

  /** After `onModuleDestroy`, so a bulk replay stopping between batches can still record that it stopped. */
  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'wait') {
      this.redis.disconnect();
      return;
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(replayId: string): string {
    return `${this.prefix}${replayId}`;
  }
}
