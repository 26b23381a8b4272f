/**
 * Counters read before and after each phase: Redis `INFO`, the product's Prometheus MongoDB command
 * counter, and MongoDB `serverStatus` opcounters and network bytes when the server has them.
 */
import { Redis } from 'ioredis';
import { Long, MongoClient } from 'mongodb';

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

/** One `serverStatus` sample of the MongoDB server; a figure is null when the server does not report it. */
export interface ServerStatusSample {
  /** `opcounters` summed: insert + query + update + delete + getmore + command. */
  opcounters: number | null;
  /** `network.bytesIn` / `network.bytesOut`: what the server received from and sent to all its clients. */
  bytesIn: number | null;
  bytesOut: number | null;
  /** `network.numRequests`: wire messages received. */
  requests: number | null;
}

/** What the other clients did between two samples, the probe's own traffic subtracted. */
export interface ServerStatusDelta {
  opcounters: number | null;
  bytesIn: number | null;
  bytesOut: number | null;
}

/** The probe's own traffic between two of its samples, measured at start (null: no network counters). */
export interface ProbeCalibration {
  bytesInPerSample: number | null;
  bytesOutPerSample: number | null;
  /** Consecutive sample pairs with no other request between them, out of `pairs`: 0 means an upper bound. */
  quietPairs: number;
  pairs: number;
}

const CALIBRATION_SAMPLES = 6;

/**
 * `serverStatus` of the MongoDB server: opcounters and network bytes, read in one sample. Like mongod, the
 * stand-in counts a request's bytes (and `numRequests`) as it arrives and its reply's bytes once it has
 * run, so between two samples the probe itself adds one `serverStatus` request in and one reply out, and
 * one `command` to the opcounters. {@link between} subtracts them; the bytes are calibrated at start on
 * consecutive samples with no other request between them (`numRequests` up by exactly one).
 */
export class OpcounterProbe {
  private client?: MongoClient;
  unavailable?: string;
  calibration: ProbeCalibration = {
    bytesInPerSample: null,
    bytesOutPerSample: null,
    quietPairs: 0,
    pairs: 0,
  };

  async start(url: string): Promise<void> {
    try {
      this.client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
      await this.client.connect();
      const samples: ServerStatusSample[] = [];
      for (let n = 0; n < CALIBRATION_SAMPLES; n += 1) {
        const sample = await this.sample();
        if (!sample) return;
        samples.push(sample);
      }
      this.calibrate(samples);
    } catch (error) {
      this.unavailable = `serverStatus: ${error instanceof Error ? error.message : String(error)}`;
      await this.stop();
    }
  }

  /**
   * The smallest byte deltas over the quietest consecutive pairs (ideally `numRequests` + 1: only the
   * probe's own request); replies to other clients' earlier requests can still land in a pair, hence the
   * smallest.
   */
  private calibrate(samples: ServerStatusSample[]): void {
    const pairs = samples.slice(1).flatMap((after, n) => {
      const before = samples[n];
      if (
        before.requests === null ||
        after.requests === null ||
        before.bytesIn === null ||
        after.bytesIn === null ||
        before.bytesOut === null ||
        after.bytesOut === null
      ) {
        return [];
      }
      return [
        {
          requests: after.requests - before.requests,
          bytesIn: after.bytesIn - before.bytesIn,
          bytesOut: after.bytesOut - before.bytesOut,
        },
      ];
    });
    if (pairs.length === 0) return;
    const fewest = Math.min(...pairs.map((pair) => pair.requests));
    const quietest = pairs.filter((pair) => pair.requests === fewest);
    this.calibration = {
      bytesInPerSample: Math.min(...quietest.map((pair) => pair.bytesIn)),
      bytesOutPerSample: Math.min(...quietest.map((pair) => pair.bytesOut)),
      quietPairs: fewest === 1 ? quietest.length : 0,
      pairs: pairs.length,
    };
  }

  /** One `serverStatus`, or null when unavailable. Each sample is itself one request and one `command`. */
  async sample(): Promise<ServerStatusSample | null> {
    if (!this.client || this.unavailable) return null;
    const status = await this.client.db('admin').command({ serverStatus: 1 });
    const counters = status.opcounters as Record<string, unknown> | undefined;
    const network = status.network as Record<string, unknown> | undefined;
    if (!counters && !network) {
      this.unavailable = 'serverStatus has neither opcounters nor network';
      return null;
    }
    return {
      opcounters: counters
        ? Object.values(counters).reduce<number>((sum, value) => sum + toNumber(value), 0)
        : null,
      bytesIn: network ? toNumber(network.bytesIn) : null,
      bytesOut: network ? toNumber(network.bytesOut) : null,
      requests: network ? toNumber(network.numRequests) : null,
    };
  }

  /** `after - before` less the probe's own sample (one `command`, the calibrated bytes); null where absent. */
  between(before: ServerStatusSample, after: ServerStatusSample): ServerStatusDelta {
    const delta = (a: number | null, b: number | null, own: number | null): number | null =>
      a === null || b === null || own === null || !Number.isFinite(a) || !Number.isFinite(b)
        ? null
        : b - a - own;
    return {
      opcounters: delta(before.opcounters, after.opcounters, 1),
      bytesIn: delta(before.bytesIn, after.bytesIn, this.calibration.bytesInPerSample),
      bytesOut: delta(before.bytesOut, after.bytesOut, this.calibration.bytesOutPerSample),
    };
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }
}

/** A counter as the driver hands it over: a number (Longs that fit are promoted), or a Long/bigint. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  return Number.NaN;
}
