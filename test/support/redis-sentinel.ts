import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * A Sentinel-managed Redis the suite owns alone: a primary, one replica and three Sentinels (quorum 2),
 * all Debian's `redis-server` on free loopback ports, in a temp directory that `stop()` deletes.
 * Sentinels mark a primary down after 1 s, so an automatic failover takes a few seconds.
 */
export interface RedisSentinelSet {
  masterName: string;
  /** `requirepass` of the data nodes, when set. */
  password?: string;
  /** `requirepass` of the Sentinels, when set. */
  sentinelPassword?: string;
  /** The data nodes in start order: `[0]` was the first primary, `[1]` its replica. */
  nodes: RedisNode[];
  sentinels: RedisNode[];
  /** The Ricochet environment that points at this set (REDIS_URL blanked, REDIS_SENTINELS…). */
  env: Record<string, string>;
  /** The data node the Sentinels name as primary now. */
  primary(): Promise<RedisNode>;
  /**
   * `SENTINEL FAILOVER`: promotes the replica. Resolves once every Sentinel names the new primary and it
   * reports `role:master`. The old primary is still a primary then, taking writes, until the Sentinels
   * reconfigure it some 10 s later: {@link settled} waits for that.
   */
  failover(): Promise<{ from: RedisNode; to: RedisNode }>;
  /** Resolves once every other data node replicates from the current primary, link up. */
  settled(): Promise<void>;
  /**
   * Resolves with the new primary once every Sentinel names a node other than `from` and it reports
   * `role:master` (after `failover()`, or after `from.kill()`: an automatic failover).
   */
  promoted(from: RedisNode): Promise<RedisNode>;
  /** Kills every process and deletes the directory. */
  stop(): Promise<void>;
}

export interface RedisSentinelOptions {
  masterName?: string;
  password?: string;
  sentinelPassword?: string;
}

export async function startRedisSentinelSet(options: RedisSentinelOptions = {}): Promise<RedisSentinelSet> {
  assertRedisServerOnPath('A Sentinel suite');
  const masterName = options.masterName ?? 'ricochet-primary';
  const { password, sentinelPassword } = options;
  const dir = await mkdtemp(join(tmpdir(), 'ricochet-sentinel-'));
  const nodes: RedisNode[] = [];
  const sentinels: RedisNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all([...sentinels, ...nodes].map((node) => node.kill()));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const [primaryPort, replicaPort, ...sentinelPorts] = await freePorts(5);
    const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
    for (const [i, port] of [primaryPort, replicaPort].entries()) {
      const nodeDir = join(dir, `node-${i}`);
      await mkdir(nodeDir);
      const args = [
        ...['--port', String(port), '--bind', LOCALHOST, '--dir', nodeDir, '--protected-mode', 'no'],
        ...['--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', ...auth],
        ...(i === 1 ? ['--replicaof', LOCALHOST, String(primaryPort)] : []),
      ];
      nodes.push(await spawnRedisNode(port, args, 'Ready to accept connections'));
    }
    await until('the replica in sync', async () => {
      const info = infoFields(await nodeCommand<string>(nodes[1], password, 'INFO', 'replication'));
      return info.master_link_status === 'up' ? true : undefined;
    });

    for (const [i, port] of sentinelPorts.entries()) {
      const file = join(dir, `sentinel-${i}.conf`);
      await writeFile(
        file,
        [
          `port ${port}`,
          `bind ${LOCALHOST}`,
          'protected-mode no',
          `dir ${dir}`,
          `sentinel monitor ${masterName} ${LOCALHOST} ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 10000`,
          `sentinel parallel-syncs ${masterName} 1`,
          ...(password ? [`sentinel auth-pass ${masterName} ${quoted(password)}`] : []),
          ...(sentinelPassword ? [`requirepass ${quoted(sentinelPassword)}`] : []),
          '',
        ].join('\n'),
      );
      sentinels.push(await spawnRedisNode(port, [file, '--sentinel'], '+monitor master'));
    }

    const set: RedisSentinelSet = {
      masterName,
      password,
      sentinelPassword,
      nodes,
      sentinels,
      env: {
        REDIS_URL: '',
        REDIS_SENTINELS: sentinels.map((s) => `${s.host}:${s.port}`).join(','),
        REDIS_SENTINEL_MASTER: masterName,
        REDIS_PASSWORD: password ?? '',
        REDIS_SENTINEL_PASSWORD: sentinelPassword ?? '',
      },
      primary: async () => nodeAt(await masterAddress(sentinels[0])),
      failover: async () => {
        const from = await set.primary();
        await until('SENTINEL FAILOVER accepted', async () => {
          try {
            await nodeCommand(sentinels[0], sentinelPassword, 'SENTINEL', 'FAILOVER', masterName);
            return true;
          } catch (error) {
            // NOGOODSLAVE / INPROG: the Sentinels have not settled since the last change yet.
            if (/NOGOODSLAVE|INPROG/.test(String(error))) return undefined;
            throw error;
          }
        });
        return { from, to: await set.promoted(from) };
      },
      promoted: async (from) => {
        const to = await until(
          'every Sentinel naming a new primary',
          async () => {
            const ports = await Promise.all(sentinels.map(async (s) => (await masterAddress(s)).port));
            return ports.every((port) => port === ports[0] && port !== from.port)
              ? nodeAt({ port: ports[0] })
              : undefined;
          },
          30_000,
        );
        await until('the new primary serving', async () => {
          const info = infoFields(await nodeCommand<string>(to, password, 'INFO', 'replication'));
          return info.role === 'master' ? true : undefined;
        });
        return to;
      },
      settled: async () => {
        const primary = await set.primary();
        await until(
          'every replica following the primary',
          async () => {
            for (const node of nodes.filter((n) => n !== primary)) {
              const info = infoFields(await nodeCommand<string>(node, password, 'INFO', 'replication'));
              const following =
                info.role === 'slave' &&
                Number(info.master_port) === primary.port &&
                info.master_link_status === 'up';
              if (!following) return undefined;
            }
            return true;
          },
          30_000,
        );
      },
      stop,
    };

    await until(
      'the Sentinels to agree (each sees the other two and the replica)',
      async () => {
        const views = await Promise.all(
          sentinels.map(async (s) => {
            const master = pairs(
              await nodeCommand<string[]>(s, sentinelPassword, 'SENTINEL', 'MASTER', masterName),
            );
            return (
              master.flags === 'master' &&
              master['num-other-sentinels'] === '2' &&
              master['num-slaves'] === '1'
            );
          }),
        );
        return views.every(Boolean) ? true : undefined;
      },
      30_000,
    );
    return set;

    async function masterAddress(sentinel: RedisNode): Promise<{ host: string; port: number }> {
      const [host, port] = await nodeCommand<[string, string]>(
        sentinel,
        sentinelPassword,
        'SENTINEL',
        'GET-MASTER-ADDR-BY-NAME',
        masterName,
      );
      return { host, port: Number(port) };
    }
    function nodeAt(address: { port: number }): RedisNode {
      const node = nodes.find((n) => n.port === address.port);
      if (!node) throw new Error(`the Sentinels name an unknown primary on port ${address.port}`);
      return node;
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A flat `[key, value, key, value…]` reply → record. */
function pairs(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]] = flat[i + 1];
  return record;
}

/** A value for a redis.conf line, quoted so spaces and `#` survive. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
