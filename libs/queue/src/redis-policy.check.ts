import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, type RedisHostPort, type RicochetConfig } from '@ricochet/config';
import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import { partitionPrefixes } from './queue-partitions';
import {
  createNodeClient,
  createProbeClient,
  createRedisClient,
  createSentinelClient,
  describeRedis,
  isClusterUrl,
  parseInfo,
  redisServerProblem,
  redisTopology,
  RedisTopologyError,
} from './redis-connection';

/**
 * Start-up check of the Redis deployment, on every topology:
 *
 * - a cluster node behind a plain `redis://` URL, a Sentinel or a read-only replica given as REDIS_URL
 *   stops start-up, each with the setting to use instead;
 * - BullMQ loses jobs silently if Redis evicts keys, so a data node whose `maxmemory-policy` is not
 *   `noeviction` stops start-up: the server itself; with Sentinel the primary and every replica the
 *   Sentinels list (a failover would promote it); on a cluster every node, primaries and replicas;
 * - with Sentinel, a master name no Sentinel knows stops start-up;
 * - on a cluster, `notes` tell which primary serves each queue partition (`prefixes`), and a primary
 *   serving none is a warning: it takes no queue load until QUEUE_PARTITIONS grows.
 *
 * A Redis that is down or forbids INFO or CONFIG (some managed services) only warns: readiness reports
 * the former, the operator owns the latter. Resolves with the warnings; rejects with the reason to stop.
 */
export async function verifyRedisDeployment(
  url: string,
  prefixes: readonly string[] = [],
  notes: string[] = [],
): Promise<string[]> {
  const topology = redisTopology(url);
  if (topology.kind === 'cluster') return verifyCluster(url, prefixes, notes);
  const warnings: string[] = [];
  // Not a cluster here, so the factory built a single-connection client.
  const client = createProbeClient(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
    connectTimeout: 5_000,
  }) as Redis;
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
    const { url, queuePrefix, queuePartitions } = this.config.redis;
    const prefixes = partitionPrefixes(queuePrefix, queuePartitions, isClusterUrl(url));
    const notes: string[] = [];
    const warnings = await verifyRedisDeployment(url, prefixes, notes);
    for (const note of notes) this.logger.log(note);
    for (const warning of warnings) this.logger.warn(warning);
  }
}

/** {@link verifyRedisDeployment} on a Redis Cluster. */
async function verifyCluster(url: string, prefixes: readonly string[], notes: string[]): Promise<string[]> {
  const warnings: string[] = [];
  const cluster = createRedisClient(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 1,
  }) as Cluster;
  cluster.on('error', () => undefined);
  try {
    try {
      await cluster.connect();
    } catch (error) {
      return [`could not reach the Redis Cluster (${describeRedis(url)}) to check it: ${messageOf(error)}`];
    }
    try {
      const state = parseInfo(String(await cluster.cluster('INFO'))).cluster_state;
      if (state !== 'ok') {
        warnings.push(`the Redis Cluster reports cluster_state:${state} (readiness waits for ok)`);
      }
    } catch (error) {
      warnings.push(`could not read CLUSTER INFO (${describeRedis(url)}) to check it: ${messageOf(error)}`);
    }

    for (const node of cluster.nodes('all')) {
      const label = `Redis Cluster node ${node.options.host}:${node.options.port}`;
      const policy = await readPolicy(node, warnings, label).catch(() => undefined);
      if (policy !== undefined && policy !== 'noeviction') {
        throw new Error(
          `${label} has maxmemory-policy "${policy}"; Ricochet requires "noeviction" on every node of the ` +
            'cluster so queued work is never evicted (set it in redis.conf or with CONFIG SET maxmemory-policy noeviction)',
        );
      }
    }
    if (prefixes.length > 0) {
      await describePlacement(cluster, prefixes, notes, warnings).catch((error: unknown) => {
        warnings.push(`could not read CLUSTER SLOTS to place the queue partitions: ${messageOf(error)}`);
      });
    }
    return warnings;
  } finally {
    cluster.disconnect();
  }
}

/** Which primary serves each queue partition's hash tag, from its slot and `CLUSTER SLOTS`. */
async function describePlacement(
  cluster: Cluster,
  prefixes: readonly string[],
  notes: string[],
  warnings: string[],
): Promise<void> {
  const ranges = await cluster.cluster('SLOTS');
  const primaries = new Map<string, number[]>();
  for (const [, , [host, port]] of ranges) primaries.set(`${host}:${port}`, []);
  for (const [partition, prefix] of prefixes.entries()) {
    const slot = calculateSlot(prefix);
    const range = ranges.find(([first, last]) => slot >= first && slot <= last);
    if (range) primaries.get(`${range[2][0]}:${range[2][1]}`)?.push(partition);
  }
  const placement = [...primaries.entries()]
    .map(
      ([address, partitions]) =>
        `${address} → ${partitions.length ? partitions.map((p) => `p${p}`).join(',') : 'none'}`,
    )
    .join('; ');
  notes.push(`queue partitions (${prefixes.length}) by cluster primary: ${placement}`);
  const idle = [...primaries.entries()].filter(([, partitions]) => partitions.length === 0).map(([a]) => a);
  if (idle.length > 0) {
    warnings.push(
      `Redis Cluster primar${idle.length === 1 ? 'y' : 'ies'} ${idle.join(', ')} serve${idle.length === 1 ? 's' : ''} no queue ` +
        `partition, so ${idle.length === 1 ? 'it takes' : 'they take'} no queue load: raise QUEUE_PARTITIONS (now ${prefixes.length})`,
    );
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
