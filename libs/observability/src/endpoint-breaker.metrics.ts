import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { createProbeClient, isClusterClient, type RedisClient } from '@ricochet/queue';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import { CollectorErrors } from './collector-errors';
import { METRICS_REGISTRY } from './metrics.controller';
import { ScrapeCache } from './scrape-cache';

export type BreakerStateName = 'closed' | 'half-open' | 'open';

/** `ricochet_endpoint_breaker_state` values. */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerStateName, number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

/**
 * At most this many endpoints get a series of their own (open ones first, then half-open, then closed
 * ones with failures); the per-state totals always count every endpoint.
 */
export const MAX_ENDPOINT_SERIES = 200;

/** Breaker state lives in Redis: fresh every 5 s, a scrape waits at most 2 s; the SCAN is bounded too. */
export const BREAKER_SCRAPE = { ttlMs: 5_000, timeoutMs: 2_000 } as const;
const SCAN_COUNT = 2_000;
/** SCAN round trips per read at most (4 M keys): a bound, never reached by a sane keyspace. */
const MAX_SCAN_CALLS = 2_000;
const ENDPOINT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface BreakerReading {
  endpoint: string;
  state: BreakerStateName;
}

/**
 * Circuit breakers as the workers keep them: one Redis hash per endpoint that failed lately,
 * `<QUEUE_PREFIX>:endpoint:<endpointId>:breaker` (`state`, `openUntil`, …). A healthy endpoint has no
 * key (a success deletes it), so only endpoints with recent failures are listed.
 * - `ricochet_endpoint_breakers{state}`: how many endpoints are in each state.
 * - `ricochet_endpoint_breaker_state{endpoint}`: 0 closed (failures below the threshold), 1 half-open
 *   (a probe is in flight, or the open period is over and the next delivery probes), 2 open; at most
 *   {@link MAX_ENDPOINT_SERIES} endpoints, ids bounded by the configured endpoints.
 */
@Injectable()
export class EndpointBreakerMetrics implements OnModuleDestroy {
  private readonly cache: ScrapeCache<BreakerReading[]>;
  private readonly client: RedisClient;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly errors: CollectorErrors,
  ) {
    // A client of its own. Commands wait for a connection being made, but are never retried: while Redis
    // is away a scrape gets an error (and the scrape's timeout bounds the rest).
    this.client = createProbeClient(config.redis.url, { enableOfflineQueue: true });
    // Connection trouble surfaces on the scrape; without a listener ioredis would log each retry.
    this.client.on('error', () => undefined);
    this.cache = new ScrapeCache(() => this.read(), BREAKER_SCRAPE);
    const totals: Gauge<'state'> = new Gauge({
      name: 'ricochet_endpoint_breakers',
      help: 'Endpoints by circuit-breaker state (closed: failures below the threshold; healthy endpoints are not counted)',
      labelNames: ['state'],
      registers: [registry],
      collect: () => {
        totals.reset();
        return this.errors.guard('breakers', async () => {
          const readings = await this.cache.get();
          for (const state of Object.keys(BREAKER_STATE_VALUE) as BreakerStateName[]) {
            totals.set({ state }, readings.filter((reading) => reading.state === state).length);
          }
        });
      },
    });
    const perEndpoint: Gauge<'endpoint'> = new Gauge({
      name: 'ricochet_endpoint_breaker_state',
      help: `Circuit breaker of an endpoint with recent failures: 0 closed, 1 half-open, 2 open (at most ${MAX_ENDPOINT_SERIES} endpoints, open first)`,
      labelNames: ['endpoint'],
      registers: [registry],
      collect: async () => {
        perEndpoint.reset();
        try {
          const readings = [...(await this.cache.get())].sort(
            (a, b) => BREAKER_STATE_VALUE[b.state] - BREAKER_STATE_VALUE[a.state],
          );
          for (const reading of readings.slice(0, MAX_ENDPOINT_SERIES)) {
            perEndpoint.set({ endpoint: reading.endpoint }, BREAKER_STATE_VALUE[reading.state]);
          }
        } catch {
          // Counted once, by the totals.
        }
      },
    });
  }

  /** Forgets the cached states: the next scrape reads Redis again. */
  expireCache(): void {
    this.cache.expire();
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }

  private async read(now = Date.now()): Promise<BreakerReading[]> {
    const prefix = `${this.config.redis.queuePrefix}:endpoint:`;
    const keys = await scanKeys(this.client, `${prefix}*:breaker`);
    if (keys.length === 0) return [];
    const replies = await readStates(this.client, keys);
    const readings: BreakerReading[] = [];
    keys.forEach((key, i) => {
      const endpoint = key.slice(prefix.length, -':breaker'.length);
      const [error, fields] = replies[i] ?? [];
      if (error || !ENDPOINT_ID.test(endpoint)) return;
      const [state, openUntil] = fields as (string | null)[];
      const reading = breakerStateOf(state, openUntil, now);
      if (reading) readings.push({ endpoint, state: reading });
    });
    return readings;
  }
}

/**
 * The state an operator should see: `open` whose period is over reads as `half-open` (the next delivery
 * is the probe). Null for a key without a state (expired between SCAN and HMGET).
 */
export function breakerStateOf(
  state: string | null,
  openUntil: string | null,
  now: number,
): BreakerStateName | null {
  if (state === 'open') return Number(openUntil) > now ? 'open' : 'half-open';
  if (state === 'half-open' || state === 'closed') return state;
  return null;
}

/** `state` and `openUntil` of each breaker key, as `[error, fields]` pairs in key order. */
async function readStates(client: RedisClient, keys: string[]): Promise<Array<[Error | null, unknown]>> {
  if (isClusterClient(client)) {
    // The keys live in many slots, which one pipeline cannot span on a cluster: one read per key,
    // sent together (ioredis groups them per primary).
    return Promise.all(
      keys.map((key) =>
        client.hmget(key, 'state', 'openUntil').then(
          (fields): [Error | null, unknown] => [null, fields],
          (error: Error): [Error | null, unknown] => [error, null],
        ),
      ),
    );
  }
  const pipeline = client.pipeline();
  for (const key of keys) pipeline.hmget(key, 'state', 'openUntil');
  return (await pipeline.exec()) ?? [];
}

/** The keys matching `pattern`, from every primary on a cluster (SCAN walks one server's keys). */
async function scanKeys(client: RedisClient, pattern: string): Promise<string[]> {
  if (!isClusterClient(client)) return scanServer(client, pattern);
  const perNode = await Promise.all(client.nodes('master').map((node) => scanServer(node, pattern)));
  return [...new Set(perNode.flat())];
}

async function scanServer(client: Redis, pattern: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    for (const key of batch) keys.add(key);
    cursor = next;
    calls += 1;
  } while (cursor !== '0' && calls < MAX_SCAN_CALLS);
  return [...keys];
}
