import { parseRedisConnectionString, type RedisHostPort, type RedisTopology } from '@ricochet/config';
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/*
 * The one place Redis clients are configured. Every connection — BullMQ queues and workers, the config
 * change pub/sub, the endpoint throttle, readiness and start-up checks — is built from `config.redis.url`
 * by these functions, so each follows the configured topology: one server, the primary a set of
 * Sentinels names (clients reconnect to the new primary after a failover), or a Redis Cluster (an
 * ioredis `Cluster`, which follows slot moves and failovers by itself).
 */

/** A client of any topology: one connection, or a cluster client routing each key to its primary. */
export type RedisClient = Redis | Cluster;

/** A Redis deployment Ricochet cannot run on (yet); start-up stops with its message. */
export class RedisTopologyError extends Error {
  override readonly name = 'RedisTopologyError';
}

/** The topology of a connection string; throws on one `loadConfig` would have rejected. */
export function redisTopology(url: string): RedisTopology {
  const parsed = parseRedisConnectionString('config.redis.url', url);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
}

/** Where the connection string points, without secrets, for logs and messages. */
export function describeRedis(url: string): string {
  const topology = redisTopology(url);
  switch (topology.kind) {
    case 'single': {
      const parsed = new URL(topology.url);
      return `${parsed.hostname}:${parsed.port || 6379}`;
    }
    case 'sentinel':
      return `primary "${topology.masterName}" of Sentinels ${addresses(topology.sentinels)}`;
    case 'cluster':
      return `cluster nodes ${addresses(topology.nodes)}`;
  }
}

/**
 * ioredis options BullMQ requires for blocking connections (`maxRetriesPerRequest: null`), with a
 * bounded reconnect back-off so workers and producers come back by themselves after a Redis restart
 * or a Sentinel failover. One server or Sentinel only: on a cluster BullMQ is handed a `Cluster`
 * client ({@link createRedisClient} with these options).
 */
export function bullConnectionOptions(url: string): BullRedisOptions {
  return {
    ...redisOptions(url),
    ...BULL_CLIENT_OPTIONS,
  };
}

const BULL_CLIENT_OPTIONS = {
  maxRetriesPerRequest: null,
  enableReadyCheck: true,
  retryStrategy: (times: number) => Math.min(times * 200, 2_000),
} satisfies RedisOptions;

/**
 * A client of the configured topology with BullMQ's options (commands wait for a connection and are
 * never dropped): for the queues' shared cluster connection, and for the endpoint throttle and alerts.
 */
export function createBullClient(url: string): RedisClient {
  return createRedisClient(url, BULL_CLIENT_OPTIONS);
}

/**
 * A client of the configured topology. `options` are ioredis's per-connection options; on a cluster
 * the connection-level ones (`lazyConnect`, `enableOfflineQueue`, `enableReadyCheck`, `retryStrategy`)
 * apply to the cluster client and the rest to each node's connection.
 */
export function createRedisClient(url: string, options: RedisOptions = {}): RedisClient {
  const topology = redisTopology(url);
  if (topology.kind !== 'cluster') return new Redis({ ...redisOptions(url), ...options });
  const { lazyConnect, enableOfflineQueue, enableReadyCheck, retryStrategy, ...nodeOptions } = options;
  const clusterOptions: ClusterOptions = {
    lazyConnect,
    enableOfflineQueue,
    enableReadyCheck,
    clusterRetryStrategy: (times: number) =>
      retryStrategy ? (retryStrategy(times) ?? null) : Math.min(times * 200, 2_000),
    // Every command goes to the primary of its slot: BullMQ and the throttle read what they just wrote.
    scaleReads: 'master',
    // A failover answers MOVED or CLUSTERDOWN for a moment; ioredis refreshes the slot map and resends.
    maxRedirections: 16,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 2_000,
    redisOptions: { username: topology.username, password: topology.password, ...nodeOptions },
  };
  return new Cluster(topology.nodes, clusterOptions);
}

/** Narrows a client to a cluster client. */
export function isClusterClient(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** Whether the configured Redis is a cluster. */
export function isClusterUrl(url: string): boolean {
  return redisTopology(url).kind === 'cluster';
}

/** A client for probes: fails fast while disconnected instead of queueing commands. */
export function createProbeClient(url: string, options: RedisOptions = {}): RedisClient {
  return createRedisClient(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times: number) => Math.min(times * 200, 1_000),
    ...options,
  });
}

/**
 * A client for short admin commands (run progress): lazy (nothing connects before the first command)
 * and bounded (two retries per command), so a progress read during a Redis outage fails instead of
 * hanging. Connection errors surface on the commands, not as events.
 */
export function createCommandClient(url: string): RedisClient {
  const client = createRedisClient(url, {
    ...BULL_CLIENT_OPTIONS,
    maxRetriesPerRequest: 2,
    lazyConnect: true,
  });
  client.on('error', () => undefined);
  return client;
}

/**
 * A fail-fast client to one given server of the configured deployment (a replica the Sentinels list,
 * say), with the deployment's credentials. Not connected until `connect()`.
 */
export function createNodeClient(url: string, node: RedisHostPort, options: RedisOptions = {}): Redis {
  const topology = redisTopology(url);
  const { username, password, tls }: RedisOptions =
    topology.kind === 'single'
      ? singleNodeOptions(topology.url)
      : { username: topology.username, password: topology.password };
  return new Redis({
    host: node.host,
    port: node.port,
    username,
    password,
    tls,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3_000,
    ...options,
  });
}

/** A fail-fast client to one Sentinel of the configured set. Not connected until `connect()`. */
export function createSentinelClient(url: string, sentinel: RedisHostPort): Redis {
  const topology = redisTopology(url);
  if (topology.kind !== 'sentinel') throw new Error('no Sentinels are configured');
  return new Redis({
    host: sentinel.host,
    port: sentinel.port,
    password: topology.sentinelPassword,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3_000,
  });
}

/**
 * What is wrong with the server a client is connected to, for Ricochet's queues, from its `INFO`: a
 * cluster node behind a plain `redis://` URL (a single-node client would follow no redirection, so
 * queues would stall on MOVED errors), a Sentinel (not a data node), or a read-only replica. Undefined
 * when it is a primary of a non-clustered deployment.
 */
export async function redisServerProblem(client: Redis, url: string): Promise<string | undefined> {
  const info = parseInfo(await client.info());
  const where = describeRedis(url);
  if (info.cluster_enabled === '1' || info.redis_mode === 'cluster') {
    return (
      `${where} is a node of a Redis Cluster (INFO reports cluster_enabled:1), given as a single server: ` +
      'set REDIS_CLUSTER_NODES to the cluster nodes (host:port,…) or REDIS_URL to redis+cluster://host:port,…, ' +
      'so Ricochet talks to the cluster as a cluster and spreads its queues over the primaries'
    );
  }
  if (info.redis_mode === 'sentinel') {
    return (
      `${where} is a Redis Sentinel, not a Redis server: set REDIS_SENTINELS to the Sentinels' addresses and ` +
      'REDIS_SENTINEL_MASTER to the name they monitor the primary under, instead of REDIS_URL'
    );
  }
  if (info.role === 'slave') {
    return (
      `${where} is a read-only replica (of ${info.master_host}:${info.master_port}); Ricochet writes to ` +
      'Redis, so point REDIS_URL at the primary, or use REDIS_SENTINELS to follow it across failovers'
    );
  }
  return undefined;
}

function redisOptions(url: string): RedisOptions {
  const topology = redisTopology(url);
  switch (topology.kind) {
    case 'single':
      return singleNodeOptions(topology.url);
    case 'sentinel':
      return {
        sentinels: topology.sentinels,
        name: topology.masterName,
        role: 'master',
        username: topology.username,
        password: topology.password,
        sentinelPassword: topology.sentinelPassword,
        // No `failoverDetector`: in ioredis 5.11 its Sentinel subscriptions outlive `quit()` (ioredis
        // #1362), which would hold every process open at shutdown. Clients therefore leave a primary when
        // it drops them: at once if it died, when the Sentinels demote it after a manual failover.
        // A command that still reaches a demoted primary fails READONLY: reconnect, which asks the
        // Sentinels for the new primary, and resend it.
        reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 2 : false),
      };
    case 'cluster':
      throw new RedisTopologyError(
        `a cluster (${describeRedis(url)}) has no single-connection options: use createRedisClient`,
      );
  }
}

function singleNodeOptions(url: string): RedisOptions {
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

function addresses(list: RedisHostPort[]): string {
  return list.map(({ host, port }) => `${host}:${port}`).join(', ');
}

/** `INFO` text → field map (`# Section` headers dropped). */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colonAt = line.indexOf(':');
    if (colonAt > 0 && !line.startsWith('#')) fields[line.slice(0, colonAt)] = line.slice(colonAt + 1);
  }
  return fields;
}
