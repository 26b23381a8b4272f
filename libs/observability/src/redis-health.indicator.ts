import { withTimeout } from './with-timeout';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import type { Redis } from 'ioredis';
import { createProbeClient } from '@ricochet/queue';

/** Readiness probe for Redis on its own fail-fast client, so a dead Redis answers "down" in milliseconds. */
@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private readonly client: Redis;

  constructor(
    @InjectConfig() config: RicochetConfig,
    private readonly health: HealthIndicatorService,
  ) {
    this.client = createProbeClient(config.redis.url);
    // Connection errors surface through pingCheck; without a listener ioredis would log each retry.
    this.client.on('error', () => undefined);
  }

  async pingCheck(key: string, timeoutMs = 1_500): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      await withTimeout(this.client.ping(), timeoutMs);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
    return Promise.resolve();
  }
}
