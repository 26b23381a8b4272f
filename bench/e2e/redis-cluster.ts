/**
 * The product's Redis with `--redis cluster`: a Redis Cluster of 3 primaries and 3 replicas, each a
 * `redis-server` with the single-node benchmark Redis's settings (AOF everysec, `noeviction`, see
 * {@link redisServerArgs}) plus `--cluster-enabled yes`, node timeout 5 s, on free loopback ports whose
 * bus ports (+10000) are free too; joined with `redis-cli --cluster create … --cluster-replicas 1`.
 * Every node is a registered child (killed however the benchmark ends), its data in a registered temp dir.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePorts, infoFields, until } from '../../test/support/redis-node';
import { kill, type Proc, redisServerArgs, registerTempDir, spawnProc, waitForOutput } from './processes';

const NODES = 6;
const CLUSTER_BUS_OFFSET = 10_000;
const SLOTS = 16_384;

export interface ClusterPrimary {
  /** `127.0.0.1:port` */
  address: string;
  /** Its slot ranges, e.g. `0-5460`. */
  slots: string;
  /** The queue partitions (indexes) whose hash tag falls in its slots. */
  partitions: number[];
}

export interface BenchRedisCluster {
  /** Every node's process, in port order of creation. */
  procs: Proc[];
  /** `127.0.0.1:port` of every node. */
  addresses: string[];
  /** The primaries after `cluster create`, by first slot. */
  primaries: ClusterPrimary[];
}

/**
 * Starts the nodes, creates the cluster, and resolves once every node says `cluster_state:ok` with all
 * slots served and every replica is in sync. `partitionKeys[i]` is a key of queue partition i (its hash
 * tag decides the slot), used to tell which primary serves which partition.
 */
export async function startRedisCluster(partitionKeys: string[]): Promise<BenchRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ricochet-bench-cluster-'));
  registerTempDir(dir);
  const procs = await startNodes(dir);
  const addresses = procs.map((proc) => proc.name.replace(/^redis /, ''));
  try {
    await createCluster(addresses);
    const clients = addresses.map((address) => client(address));
    try {
      await until(
        'cluster_state:ok on every node, all slots served, every replica in sync',
        async () => {
          for (const redis of clients) {
            const cluster = infoFields((await redis.call('CLUSTER', 'INFO')) as string);
            if (cluster.cluster_state !== 'ok' || Number(cluster.cluster_slots_ok) !== SLOTS)
              return undefined;
            if (Number(cluster.cluster_known_nodes) !== NODES) return undefined;
            const replication = infoFields((await redis.call('INFO', 'replication')) as string);
            if (replication.role === 'slave' && replication.master_link_status !== 'up') return undefined;
          }
          return true;
        },
        60_000,
        200,
      );
      return { procs, addresses, primaries: await primariesOf(clients[0], partitionKeys) };
    } finally {
      for (const redis of clients) redis.disconnect();
    }
  } catch (error) {
    for (const proc of procs) await kill(proc);
    throw error;
  }
}

/** Six nodes; a node that loses its port to someone else between the check and the bind is retried. */
async function startNodes(dir: string): Promise<Proc[]> {
  for (let attempt = 1; ; attempt += 1) {
    const ports = await freePorts(NODES, CLUSTER_BUS_OFFSET);
    const procs = ports.map((port) => {
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir, { recursive: true });
      return spawnProc(
        `redis 127.0.0.1:${port}`,
        'redis-server',
        [
          ...redisServerArgs(port, nodeDir),
          ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
          ...['--cluster-node-timeout', '5000'],
        ],
        { PATH: process.env.PATH ?? '' },
      );
    });
    try {
      await Promise.all(procs.map((proc) => waitForOutput(proc, 'Ready to accept connections', 15_000)));
      return procs;
    } catch (error) {
      for (const proc of procs) await kill(proc);
      if (attempt >= 3) throw error;
    }
  }
}

/** `redis-cli --cluster create`, as a registered child with a 60 s bound. */
async function createCluster(addresses: string[]): Promise<void> {
  const cli = spawnProc(
    'redis-cli --cluster create',
    'redis-cli',
    ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'],
    { PATH: process.env.PATH ?? '' },
  );
  const code = await new Promise<number | null>((resolve) => {
    if (cli.exited()) {
      resolve(cli.child.exitCode);
      return;
    }
    const timer = setTimeout(() => resolve(null), 60_000);
    cli.child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code !== 0) {
    await kill(cli);
    throw new Error(
      `redis-cli --cluster create ${code === null ? 'took over 60 s' : `exited with ${code}`}:\n${cli.output()}`,
    );
  }
}

function client(address: string): Redis {
  const [host, port] = address.split(':');
  const redis = new Redis({
    host,
    port: Number(port),
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableReadyCheck: false,
  });
  redis.on('error', () => undefined);
  return redis;
}

/** The primaries from `CLUSTER NODES`, with the partitions whose keys' slots they serve. */
async function primariesOf(redis: Redis, partitionKeys: string[]): Promise<ClusterPrimary[]> {
  const slotOf = await Promise.all(
    partitionKeys.map(async (key) => Number(await redis.call('CLUSTER', 'KEYSLOT', key))),
  );
  const text = (await redis.call('CLUSTER', 'NODES')) as string;
  const primaries: Array<ClusterPrimary & { ranges: Array<[number, number]> }> = [];
  for (const line of text.split('\n')) {
    const [, address, flags, , , , , , ...slots] = line.trim().split(' ');
    if (!flags?.split(',').includes('master')) continue;
    const ranges = slots
      .filter((slot) => /^\d/.test(slot))
      .map((slot): [number, number] => {
        const [from, to] = slot.split('-').map(Number);
        return [from, to ?? from];
      });
    if (ranges.length === 0) continue;
    primaries.push({
      address: address.replace(/@.*$/, ''),
      slots: slots.filter((slot) => /^\d/.test(slot)).join(' '),
      partitions: slotOf.flatMap((slot, i) =>
        ranges.some(([from, to]) => slot >= from && slot <= to) ? [i] : [],
      ),
      ranges,
    });
  }
  return primaries
    .sort((a, b) => a.ranges[0][0] - b.ranges[0][0])
    .map(({ address, slots, partitions }) => ({ address, slots, partitions }));
}
