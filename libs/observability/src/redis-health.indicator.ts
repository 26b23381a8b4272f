import { withTimeout } from './with-timeout';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { createProbeClient, isClusterClient, type RedisClient } from '@ricochet/queue';

/**
 * Readiness probe for Redis on its own fail-fast client, so a dead Redis answers "down" in milliseconds.
 * On a cluster every primary must answer and the cluster must serve every slot (`cluster_state:ok`):
 * a queue partition on a primary that is down would take jobs no worker can run.
 */
@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private readonly client: RedisClient;

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
      await withTimeout(this.ping(), timeoutMs);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async ping(): Promise<void> {
    const client = this.client;
    if (!isClusterClient(client)) {
      await client.ping();
      return;
    }
    const info = String(await client.cluster('INFO'));
    const state = /cluster_state:(\w+)/.exec(info)?.[1];
    if (state !== 'ok') throw new Error(`the Redis Cluster reports cluster_state:${state ?? 'unknown'}`);
    await Promise.all(client.nodes('master').map((node) => node.ping()));
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
    return Promise.resolve();
  }
}
