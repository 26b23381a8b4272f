import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { type ConfigEntityKind, Lookups } from '@ricochet/persistence';
import { createProbeClient, type RedisClient } from './redis-connection';

const KINDS: ReadonlySet<string> = new Set<ConfigEntityKind>(['advertiser', 'offer', 'source']);

/**
 * Tells every gateway and worker process that an advertiser, offer or source changed, over Redis
 * pub/sub, so each drops its cached copy at once. A lost message (Redis away at that moment) is bounded
 * by the cache's TTL (`LOOKUP_TTL_MS`, 5 s). The channel is namespaced by the queue prefix, so installs
 * sharing one Redis do not hear each other.
 */
@Injectable()
export class ConfigChangeBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ConfigChangeBus.name);
  private publisher?: RedisClient;
  private subscriber?: RedisClient;

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly lookups: Lookups,
  ) {}

  private get channel(): string {
    return `${this.config.redis.queuePrefix}:config-changed`;
  }

  onModuleInit(): void {
    const { url } = this.config.redis;
    this.publisher = createProbeClient(url, { lazyConnect: false });
    this.subscriber = createProbeClient(url, { lazyConnect: false, enableOfflineQueue: true });
    for (const client of [this.publisher, this.subscriber]) client.on('error', () => undefined);
    // ioredis re-subscribes by itself after a reconnect.
    this.subscriber.subscribe(this.channel).catch((error: unknown) => {
      this.logger.warn(`config change subscription failed: ${String(error)}`);
    });
    this.subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    this.lookups.onChange((kind, id) => this.announce(kind, id));
  }

  onApplicationShutdown(): void {
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }

  private announce(kind: ConfigEntityKind, id: string): void {
    this.publisher?.publish(this.channel, `${kind}:${id}`).catch((error: unknown) => {
      this.logger.warn(`config change not announced (${kind} ${id}): ${String(error)}`);
    });
  }

  private receive(message: string): void {
    const [kind, id] = message.split(':', 2);
    if (KINDS.has(kind) && id) this.lookups.drop(kind as ConfigEntityKind, id);
  }
}
