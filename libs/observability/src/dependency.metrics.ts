import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueSet } from '@ricochet/queue';
import { Counter, Gauge, type Registry } from 'prom-client';
import { CollectorErrors } from './collector-errors';
import { METRICS_REGISTRY } from './metrics.controller';
import { MongoHealthIndicator } from './mongo-health.indicator';
import { RedisHealthIndicator } from './redis-health.indicator';
import { ScrapeCache } from './scrape-cache';

export const DEPENDENCIES = ['mongodb', 'redis'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/** The readiness pings, on scrape: fresh every 5 s, each bounded to 1 s. */
export const DEPENDENCY_SCRAPE = { ttlMs: 5_000, timeoutMs: 2_000, pingMs: 1_000 } as const;

/**
 * `ricochet_dependency_up{dependency}`: 1 when MongoDB / Redis answered a ping within 1 s — what
 * `/health/ready` checks, as a metric Prometheus can alert on without probing the readiness URL.
 */
@Injectable()
export class DependencyMetrics {
  private readonly cache: ScrapeCache<Record<Dependency, boolean>>;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly mongo: MongoHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly errors: CollectorErrors,
  ) {
    this.cache = new ScrapeCache(() => this.ping(), DEPENDENCY_SCRAPE);
    const up: Gauge<'dependency'> = new Gauge({
      name: 'ricochet_dependency_up',
      help: '1 when the dependency (mongodb, redis) answered a ping within 1 s at the last check (every 5 s on scrape), else 0',
      labelNames: ['dependency'],
      registers: [registry],
      collect: () => {
        up.reset();
        return this.errors.guard('dependencies', async () => {
          const answers = await this.cache.get();
          for (const dependency of DEPENDENCIES) up.set({ dependency }, answers[dependency] ? 1 : 0);
        });
      },
    });
  }

  /** Forgets the cached answers: the next scrape pings again. */
  expireCache(): void {
    this.cache.expire();
  }

  private async ping(): Promise<Record<Dependency, boolean>> {
    const [mongo, redis] = await Promise.all([
      this.mongo.pingCheck('mongodb', DEPENDENCY_SCRAPE.pingMs),
      this.redis.pingCheck('redis', DEPENDENCY_SCRAPE.pingMs),
    ]);
    return { mongodb: mongo.mongodb?.status === 'up', redis: redis.redis?.status === 'up' };
  }
}

/**
 * `ricochet_redis_errors_total{client="queue"}`: errors the BullMQ queue connections of this process
 * reported (connection refused or lost, a command failing). BullMQ reconnects by itself; a steady rate
 * means Redis is unreachable or refusing commands.
 */
@Injectable()
export class RedisErrorMetrics implements OnModuleInit {
  private readonly errors: Counter<'client'>;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly queues: QueueSet,
  ) {
    this.errors = new Counter({
      name: 'ricochet_redis_errors_total',
      help: 'Errors reported by the Redis connections of this process, by client',
      labelNames: ['client'],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    this.errors.inc({ client: 'queue' }, 0);
    for (const { queue } of this.queues.all()) queue.on('error', () => this.errors.inc({ client: 'queue' }));
  }
}
