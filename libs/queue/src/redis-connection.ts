import type { RedisOptions as BullRedisOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * ioredis options BullMQ requires for blocking connections (`maxRetriesPerRequest: null`), with a
 * bounded reconnect back-off so workers and producers come back by themselves after a Redis restart.
 */
export function bullConnectionOptions(url: string): BullRedisOptions {
  return {
    ...redisUrlOptions(url),
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  };
}

/** A client for probes: fails fast while disconnected instead of queueing commands. */
export function createProbeClient(url: string, options: RedisOptions = {}): Redis {
  return new Redis({
    ...redisUrlOptions(url),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times: number) => Math.min(times * 200, 1_000),
    ...options,
  });
}

function redisUrlOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}
