import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, type RedisHostPort, type RicochetConfig } from '@ricochet/config';
import type { Redis } from 'ioredis';
import {
  createNodeClient,
  createProbeClient,
  createSentinelClient,
  describeRedis,
  redisClusterNotSupported,
  redisServerProblem,
  redisTopology,
  RedisTopologyError,
} from './redis-connection';

/**
 * Start-up check of the Redis deployment, on every topology:
 *
 * - a Redis Cluster — configured, or a cluster node behind a plain `redis://` URL — stops start-up
 *   (queues would stall on cross-slot keys), as do a Sentinel or a read-only replica given as REDIS_URL;
 * - BullMQ loses jobs silently if Redis evicts keys, so a data node whose `maxmemory-policy` is not
 *   `noeviction` stops start-up: the server itself, and with Sentinel the primary and every replica the
 *   Sentinels list (a failover would promote it);
 * - with Sentinel, a master name no Sentinel knows stops start-up.
 *
 * A Redis that is down or forbids INFO or CONFIG (some managed services) only warns: readiness reports
 * the former, the operator owns the latter. Resolves with the warnings; rejects with the reason to stop.
 */
export async function verifyRedisDeployment(url: string): Promise<string[]> {
  const topology = redisTopology(url);
  if (topology.kind === 'cluster') {
    throw redisClusterNotSupported(`a cluster is configured (${describeRedis(url)})`);
  }
  const warnings: string[] = [];
  const client = createProbeClient(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
    connectTimeout: 5_000,
  });
  client.on('error', () => undefined);
  try {
    try {
      await client.connect();
    } catch (error) {
      if (topology.kind === 'sentinel') await assertSentinelsKnowMaster(url, topology.sentinels);
      return [`could not reach Redis (${describeRedis(url)}) to check it: ${messageOf(error)}`];
    }
    const problem = await redisServerProblem(client, url).catch((error: unknown) => {
      warnings.push(`could not read INFO of Redis (${describeRedis(url)}) to check it: ${messageOf(error)}`);
      return undefined;
    });
    if (problem) throw new RedisTopologyError(problem);

    const primaryPolicy = await readPolicy(client, warnings, `Redis (${describeRedis(url)})`);
    if (primaryPolicy !== undefined && primaryPolicy !== 'noeviction') {
      throw new Error(
        `Redis maxmemory-policy is "${primaryPolicy}"; Ricochet requires "noeviction" so queued work is never ` +
          'evicted (set it in redis.conf or with CONFIG SET maxmemory-policy noeviction)',
      );
    }
    if (topology.kind === 'sentinel') {
      await checkReplicas(url, topology.masterName, topology.sentinels, warnings);
    }
    return warnings;
  } finally {
    close(client);
  }
}

/** Runs {@link verifyRedisDeployment} when the application starts; a refusal stops start-up. */
@Injectable()
export class RedisPolicyCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(RedisPolicyCheck.name);

  constructor(@InjectConfig() private readonly config: RicochetConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const warning of await verifyRedisDeployment(this.config.redis.url)) this.logger.warn(warning);
  }
}

async function checkReplicas(
  url: string,
  masterName: string,
  sentinels: RedisHostPort[],
  warnings: string[],
): Promise<void> {
  const replicas = await askSentinels(url, sentinels, async (sentinel) =>
    records(await sentinel.call('SENTINEL', 'REPLICAS', masterName)),
  );
  if (replicas === undefined) {
    warnings.push(`could not list the replicas of "${masterName}" from any Sentinel to check them`);
    return;
  }
  const live = replicas.filter((replica) => !/s_down|o_down|disconnected/.test(replica.flags ?? ''));
  if (live.length === 0) {
    warnings.push(
      `the Sentinels know no live replica of "${masterName}": a failover would have nowhere to go`,
    );
  }
  for (const replica of live) {
    const node = { host: replica.ip, port: Number(replica.port) };
    const label = `Redis replica ${node.host}:${node.port} of "${masterName}"`;
    const client = createNodeClient(url, node);
    client.on('error', () => undefined);
    let policy: string | undefined;
    try {
      await client.connect();
      policy = await readPolicy(client, warnings, label);
    } catch (error) {
      warnings.push(`could not reach ${label} to check it: ${messageOf(error)}`);
    } finally {
      close(client);
    }
    if (policy !== undefined && policy !== 'noeviction') {
      throw new Error(
        `${label} has maxmemory-policy "${policy}"; a failover would promote it and it would evict queued ` +
          'work. Ricochet requires "noeviction" on every data node (set it in redis.conf or with CONFIG SET ' +
          'maxmemory-policy noeviction)',
      );
    }
  }
}

/** The primary could not be reached: tells a master name no Sentinel knows from Sentinels that are down. */
async function assertSentinelsKnowMaster(url: string, sentinels: RedisHostPort[]): Promise<void> {
  const topology = redisTopology(url);
  if (topology.kind !== 'sentinel') return;
  const address = await askSentinels(url, sentinels, (sentinel) =>
    sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', topology.masterName),
  );
  if (address === null) {
    throw new Error(
      `no Sentinel of REDIS_SENTINELS monitors a primary named "${topology.masterName}": set ` +
        'REDIS_SENTINEL_MASTER to the name in their "sentinel monitor <name> …" line',
    );
  }
}

/** The first answer of a Sentinel that answers; undefined when none does. */
async function askSentinels<T>(
  url: string,
  sentinels: RedisHostPort[],
  ask: (sentinel: Redis) => Promise<T>,
): Promise<T | undefined> {
  for (const address of sentinels) {
    const sentinel = createSentinelClient(url, address);
    sentinel.on('error', () => undefined);
    try {
      await sentinel.connect();
      return await ask(sentinel);
    } catch {
      // try the next Sentinel
    } finally {
      close(sentinel);
    }
  }
  return undefined;
}

async function readPolicy(client: Redis, warnings: string[], label: string): Promise<string | undefined> {
  try {
    const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
    return reply[1];
  } catch (error) {
    warnings.push(`could not read the maxmemory-policy of ${label}: ${messageOf(error)}`);
    return undefined;
  }
}

/** `SENTINEL REPLICAS` reply (one flat key/value list per replica) → records. */
function records(reply: unknown): Array<Record<string, string>> {
  if (!Array.isArray(reply)) return [];
  return reply.map((flat: unknown) => {
    const record: Record<string, string> = {};
    const list = Array.isArray(flat) ? (flat as unknown[]) : [];
    for (let i = 0; i + 1 < list.length; i += 2) record[String(list[i])] = String(list[i + 1]);
    return record;
  });
}

/** Disconnects a check client; one that already ended is left alone (ioredis would arm a 2 s timer). */
function close(client: Redis): void {
  if (client.status !== 'end') client.disconnect();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
