import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { createProbeClient } from './redis-connection';

/**
 * BullMQ loses jobs silently if Redis evicts keys, so a Redis whose `maxmemory-policy` is
 * not `noeviction` stops start-up. A Redis that is down or forbids CONFIG (some managed services) only
 * warns: readiness reports the former, the operator owns the latter.
 */
@Injectable()
export class RedisPolicyCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(RedisPolicyCheck.name);

  constructor(@InjectConfig() private readonly config: RicochetConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const client = createProbeClient(this.config.redis.url, { lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => undefined);
    let policy: string | undefined;
    try {
      await client.connect();
      const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
      policy = reply[1];
    } catch (error) {
      this.logger.warn(
        `could not read Redis maxmemory-policy: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      client.disconnect();
    }
    if (policy !== undefined && policy !== 'noeviction') {
      throw new Error(
        `Redis maxmemory-policy is "${policy}"; Ricochet requires "noeviction" so queued work is never evicted ` +
          '(set it in redis.conf or with CONFIG SET maxmemory-policy noeviction)',
      );
    }
  }
}
