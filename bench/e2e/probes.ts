/**
 * Counters read before and after each phase: Redis `INFO`, the product's Prometheus MongoDB command
 * counter, and MongoDB `serverStatus` opcounters when the server has them.
 */
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';

export interface RedisSample {
  /** `total_commands_processed`; on a cluster, summed over every node. */
  commands: number;
  /** `used_memory`; on a cluster, summed over the primaries (replicas hold copies). */
  usedMemoryMiB: number;
  /** On a cluster, each node's own figures. */
  nodes?: RedisNodeSample[];
}

export interface RedisNodeSample {
  /** `127.0.0.1:port` */
  address: string;
  /** From `INFO replication`: `master` or `slave`. */
  role: string;
  commands: number;
  usedMemoryMiB: number;
}

/** What a phase reads from the chain's Redis: one server ({@link RedisProbe}) or a cluster ({@link ClusterRedisProbe}). */
export interface RedisMeter {
  start(): Promise<void>;
  sample(): Promise<RedisSample>;
  /** Commands other clients ran between two samples (on a cluster, on every node). */
  commandsBetween(before: RedisSample, after: RedisSample): number;
  /** On a cluster: the same per node, with the node's role at the closing sample. */
  nodeCommandsBetween?(
    before: RedisSample,
    after: RedisSample,
  ): Array<{ address: string; role: string; commands: number }>;
  stop(): Promise<void>;
}

/**
 * One connection to a Redis for `INFO stats memory`. Redis counts a command once it has run, so an INFO
 * reply excludes itself and the next one includes it: {@link commandsBetween} subtracts the probe's own
 * commands, calibrated on an idle server at start.
 */
export class RedisProbe implements RedisMeter {
  private readonly client: Redis;
  private ownPerSample = 1;

  /** `withRole`: also read `INFO replication` for the node's role (cluster nodes). */
  constructor(
    url: string,
    private readonly withRole = false,
  ) {
    this.client = new Redis(url, { enableReadyCheck: false, maxRetriesPerRequest: 1, lazyConnect: true });
    this.client.on('error', () => undefined);
  }

  /** Connects and measures the probe's own command count per sample. Call before anyone else connects. */
  async start(): Promise<void> {
    await this.client.connect();
    const a = await this.sample();
    const b = await this.sample();
    const c = await this.sample();
    this.ownPerSample = Math.min(b.commands - a.commands, c.commands - b.commands);
  }

  async sample(): Promise<RedisSample & { role?: string }> {
    const sections = this.withRole ? ['stats', 'memory', 'replication'] : ['stats', 'memory'];
    const info = (await this.client.call('INFO', ...sections)) as string;
    const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
    return {
      commands: field('total_commands_processed'),
      usedMemoryMiB: field('used_memory') / 2 ** 20,
      ...(this.withRole ? { role: /^role:(\w+)/m.exec(info)?.[1] ?? 'unknown' } : {}),
    };
  }

  /** Commands other clients ran between two samples. */
  commandsBetween(before: RedisSample, after: RedisSample): number {
    return after.commands - before.commands - this.ownPerSample;
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    return Promise.resolve();
  }
}

/**
 * Every node of a Redis Cluster, each through its own {@link RedisProbe} (calibrated per node): commands
 * summed over all nodes (replicas count the writes they replay), memory summed over the nodes that are
 * primaries at the sample, and each node's own figures for the spread over the primaries.
 */
export class ClusterRedisProbe implements RedisMeter {
  private readonly probes: Array<{ address: string; probe: RedisProbe }>;

  constructor(addresses: string[]) {
    this.probes = addresses.map((address) => ({
      address,
      probe: new RedisProbe(`redis://${address}`, true),
    }));
  }

  async start(): Promise<void> {
    await Promise.all(this.probes.map(({ probe }) => probe.start()));
  }

  async sample(): Promise<RedisSample> {
    const nodes = await Promise.all(
      this.probes.map(async ({ address, probe }): Promise<RedisNodeSample> => {
        const { commands, usedMemoryMiB, role } = await probe.sample();
        return { address, role: role ?? 'unknown', commands, usedMemoryMiB };
      }),
    );
    return {
      commands: nodes.reduce((sum, node) => sum + node.commands, 0),
      usedMemoryMiB: nodes
        .filter((node) => node.role === 'master')
        .reduce((sum, node) => sum + node.usedMemoryMiB, 0),
      nodes,
    };
  }

  commandsBetween(before: RedisSample, after: RedisSample): number {
    return this.nodeCommandsBetween(before, after).reduce((sum, node) => sum + node.commands, 0);
  }

  nodeCommandsBetween(
    before: RedisSample,
    after: RedisSample,
  ): Array<{ address: string; role: string; commands: number }> {
    return this.probes.map(({ address, probe }) => {
      const node = (sample: RedisSample): RedisNodeSample => {
        const found = sample.nodes?.find((n) => n.address === address);
        if (!found) throw new Error(`no sample of Redis node ${address}`);
        return found;
      };
      const a = node(before);
      const b = node(after);
      return { address, role: b.role, commands: probe.commandsBetween(a, b) };
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.probes.map(({ probe }) => probe.stop()));
  }
}

/** A process's Prometheus endpoint, with the headers it wants (the gateway's bearer token). */
export interface MetricsEndpoint {
  url: string;
  headers?: Record<string, string>;
}

/**
 * Per process name (gateway, worker): MongoDB commands by command name; a process is null when its
 * `/metrics` did not answer or has no such counter, the whole value null when no process has it.
 */
export type MongoCommandCounts = Record<string, Record<string, number> | null> | null;

const MONGO_METRIC = 'ricochet_mongodb_commands_total';

/** Scrapes each process's `/metrics` for the counter `ricochet_mongodb_commands_total{command="…"}`. */
export async function scrapeMongoCommands(
  endpoints: Record<string, MetricsEndpoint>,
): Promise<MongoCommandCounts> {
  const counts: Record<string, Record<string, number> | null> = {};
  let found = false;
  for (const [name, endpoint] of Object.entries(endpoints)) {
    counts[name] = null;
    try {
      const response = await fetch(endpoint.url, {
        headers: endpoint.headers,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      // prom-client prints `# TYPE` even for a counter that has no samples yet.
      if (!response.ok || !text.includes(`# TYPE ${MONGO_METRIC} counter`)) continue;
      const byCommand: Record<string, number> = {};
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${MONGO_METRIC}{`) && !line.startsWith(`${MONGO_METRIC} `)) continue;
        const command = /command="([^"]*)"/.exec(line)?.[1] ?? '(none)';
        const value = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (Number.isFinite(value)) byCommand[command] = (byCommand[command] ?? 0) + value;
      }
      counts[name] = byCommand;
      found = true;
    } catch {
      // busy or gone: absent for this sample
    }
  }
  return found ? counts : null;
}

/** `after - before` per process and command; null where either side is absent. */
export function mongoCommandsDelta(
  before: MongoCommandCounts,
  after: MongoCommandCounts,
): MongoCommandCounts {
  if (!before || !after) return null;
  const delta: Record<string, Record<string, number> | null> = {};
  for (const [name, commands] of Object.entries(after)) {
    const earlier = before[name];
    if (!commands || !earlier) {
      delta[name] = null;
      continue;
    }
    const diffs: Record<string, number> = {};
    for (const [command, value] of Object.entries(commands)) {
      const diff = value - (earlier[command] ?? 0);
      if (diff !== 0) diffs[command] = diff;
    }
    delta[name] = diffs;
  }
  return delta;
}

export function sumCounts(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, value) => sum + value, 0);
}

/**
 * `serverStatus` opcounters (insert + query + update + delete + getmore + command) of the MongoDB server,
 * when it answers them; the in-repo stand-in does not (CommandNotFound), so the probe reports why not.
 */
export class OpcounterProbe {
  private client?: MongoClient;
  unavailable?: string;

  async start(url: string): Promise<void> {
    try {
      this.client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
      await this.client.connect();
      await this.sample();
    } catch (error) {
      this.unavailable = `serverStatus: ${error instanceof Error ? error.message : String(error)}`;
      await this.stop();
    }
  }

  /** Total opcounters, or null when unavailable. Each sample is itself one `command`. */
  async sample(): Promise<number | null> {
    if (!this.client || this.unavailable) return null;
    const status = await this.client.db('admin').command({ serverStatus: 1 });
    const counters = status.opcounters as Record<string, unknown> | undefined;
    if (!counters) {
      this.unavailable = 'serverStatus has no opcounters';
      return null;
    }
    return Object.values(counters).reduce<number>((sum, value) => sum + Number(value), 0);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }
}
