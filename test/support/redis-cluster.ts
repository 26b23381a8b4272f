import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  assertRedisServerOnPath,
  freePorts,
  infoFields,
  LOCALHOST,
  nodeCommand,
  type RedisNode,
  spawnRedisNode,
  until,
} from './redis-node';

const run = promisify(execFile);

/** Redis Cluster listens for its peers on the data port + 10000. */
const CLUSTER_BUS_OFFSET = 10_000;

/** One node as `CLUSTER NODES` describes it. */
export interface ClusterNodeView {
  id: string;
  port: number;
  role: 'master' | 'slave';
  /** The id of its primary (replicas). */
  masterId?: string;
  /** First slot it serves (primaries with slots). */
  firstSlot?: number;
  failed: boolean;
}

/**
 * A Redis Cluster the suite owns alone: 3 primaries and 3 replicas (`cluster-enabled yes`, node timeout
 * 1 s) of Debian's `redis-server` on free loopback ports whose bus ports (+10000) are free too, joined
 * with `redis-cli --cluster create`. Its directory is a temp dir that `stop()` deletes.
 */
export interface RedisCluster {
  nodes: RedisNode[];
  /** `host:port,…` of every node: a REDIS_CLUSTER_NODES value. */
  nodeList: string;
  /** `redis://` URL of one primary: what a plain REDIS_URL pointed at the cluster looks like. */
  url: string;
  /** The cluster as a live node sees it. */
  view(): Promise<ClusterNodeView[]>;
  /**
   * Kills the primary serving the `i`-th slot range (0-2) and resolves once its replica took over and
   * the cluster is `cluster_state:ok` again.
   */
  killMaster(i: number): Promise<{ killed: RedisNode; promoted: RedisNode }>;
  /** Kills every node and deletes the directory. */
  stop(): Promise<void>;
}

export async function startRedisCluster(): Promise<RedisCluster> {
  assertRedisServerOnPath('A Redis Cluster suite');
  const dir = await mkdtemp(join(tmpdir(), 'ricochet-cluster-'));
  const nodes: RedisNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.kill()));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const ports = await freePorts(6, CLUSTER_BUS_OFFSET);
    nodes.push(
      ...(await Promise.all(
        ports.map(async (port) => {
          const nodeDir = join(dir, String(port));
          await mkdir(nodeDir);
          return spawnRedisNode(
            port,
            [
              ...['--port', String(port), '--bind', LOCALHOST, '--dir', nodeDir, '--protected-mode', 'no'],
              ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
              ...['--cluster-node-timeout', '1000', '--save', '', '--appendonly', 'no'],
              ...['--maxmemory-policy', 'noeviction'],
            ],
            'Ready to accept connections',
          );
        }),
      )),
    );
    const addresses = nodes.map((node) => `${node.host}:${node.port}`);
    await run(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'],
      {
        timeout: 30_000,
      },
    );

    const live = (): RedisNode[] => nodes.filter((node) => node.running);
    const view = async (): Promise<ClusterNodeView[]> =>
      parseClusterNodes(await nodeCommand<string>(live()[0], undefined, 'CLUSTER', 'NODES'));
    const healthy = async (expectedMasters: number): Promise<true | undefined> => {
      for (const node of live()) {
        const info = infoFields(await nodeCommand<string>(node, undefined, 'CLUSTER', 'INFO'));
        if (info.cluster_state !== 'ok' || Number(info.cluster_slots_ok) !== 16_384) return undefined;
      }
      const masters = (await view()).filter(
        (n) => n.role === 'master' && !n.failed && n.firstSlot !== undefined,
      );
      return masters.length === expectedMasters ? true : undefined;
    };
    await until('cluster_state:ok on every node', () => healthy(3), 30_000);
    // Replicas must be in sync before a primary may be killed (a replica with no data cannot take over).
    await until('every replica in sync', async () => {
      for (const node of live()) {
        const info = infoFields(await nodeCommand<string>(node, undefined, 'INFO', 'replication'));
        if (info.role === 'slave' && info.master_link_status !== 'up') return undefined;
      }
      return true;
    });

    const byPort = (port: number): RedisNode => nodes.find((node) => node.port === port)!;
    return {
      nodes,
      nodeList: addresses.join(','),
      url: `redis://${nodes[0].host}:${nodes[0].port}`,
      view,
      killMaster: async (i: number) => {
        const masters = (await view())
          .filter((n) => n.role === 'master' && !n.failed && n.firstSlot !== undefined)
          .sort((a, b) => a.firstSlot! - b.firstSlot!);
        const victim = masters[i];
        if (!victim) throw new Error(`there is no primary #${i} (of ${masters.length})`);
        const killed = byPort(victim.port);
        await killed.kill();
        const promoted = await until(
          `a replica of ${killed.port} promoted`,
          async () => {
            const now = await view();
            const heir = now.find(
              (n) => n.role === 'master' && n.firstSlot === victim.firstSlot && !n.failed,
            );
            return heir && heir.port !== victim.port ? byPort(heir.port) : undefined;
          },
          30_000,
        );
        await until('cluster_state:ok after the failover', () => healthy(masters.length), 30_000);
        return { killed, promoted };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `CLUSTER NODES` text → one view per node. */
function parseClusterNodes(text: string): ClusterNodeView[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(' ');
      const flagList = flags.split(',');
      const firstRange = slots.find((slot) => /^\d/.test(slot));
      return {
        id,
        port: Number(/:(\d+)@/.exec(address)?.[1]),
        role: flagList.includes('master') ? 'master' : 'slave',
        ...(masterId !== '-' ? { masterId } : {}),
        ...(firstRange !== undefined ? { firstSlot: Number(firstRange.split('-')[0]) } : {}),
        failed: flagList.includes('fail') || flagList.includes('fail?'),
      } satisfies ClusterNodeView;
    });
}
