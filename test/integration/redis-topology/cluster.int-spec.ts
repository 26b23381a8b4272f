import { ConfigError, type EnvName, loadConfig, type RicochetConfig } from '@ricochet/config';
import { Lookups } from '@ricochet/persistence';
import { partitionOf, QUEUES, QueueSet } from '@ricochet/queue';
import { RedisPolicyCheck, verifyRedisDeployment } from '../../../libs/queue/src/redis-policy.check';
import { Relay } from '../../e2e/relay.fixture';
import { eventually } from '../../support/config';
import { ENTRY_POINTS, spawnEntryPoint, type SpawnedProcess } from '../../support/processes';
import { type RedisCluster, startRedisCluster } from '../../support/redis-cluster';
import { nodeCommand } from '../../support/redis-node';
import { suiteContext } from '../../support/suite';

const PARTITIONS = 6;

/**
 * Ricochet on a real Redis Cluster (3 primaries + 3 replicas of Debian's redis-server, started by the
 * harness). BullMQ keeps each queue in one hash slot, so the queues are split into hash-tagged partitions
 * (`{prefix-p0}` … `{prefix-p5}`) that the cluster spreads over its primaries. In-process gateway and
 * worker forward postbacks whose jobs land on every partition; the start-up check reads every node's
 * eviction policy and reports which primary serves which partition; a plain REDIS_URL pointing at a
 * cluster node is still refused (a single-node client follows no redirection). The kill -9 and failover
 * scenario with separate processes is `test/chaos/redis-cluster.e2e-spec.ts`.
 */
describe('Redis Cluster', () => {
  let cluster: RedisCluster;
  let relay: Relay;
  let config: RicochetConfig;
  const ctx = suiteContext('redis-cluster');
  const spawned: SpawnedProcess[] = [];

  const clusterEnv = (): Partial<Record<EnvName, string>> => ({
    REDIS_URL: '',
    REDIS_CLUSTER_NODES: cluster.nodeList,
    QUEUE_PARTITIONS: String(PARTITIONS),
  });

  /** The primary port serving a key's slot. */
  async function primaryOf(key: string): Promise<number> {
    const slot = await nodeCommand<number>(cluster.nodes[0], undefined, 'CLUSTER', 'KEYSLOT', key);
    const view = await cluster.view();
    const primaries = view.filter((node) => node.role === 'master' && !node.failed);
    const ranges = await nodeCommand<Array<[number, number, [string, number]]>>(
      cluster.nodes[0],
      undefined,
      'CLUSTER',
      'SLOTS',
    );
    const range = ranges.find(([first, last]) => slot >= first && slot <= last);
    const port = Number(range?.[2][1]);
    expect(primaries.map((node) => node.port)).toContain(port);
    return port;
  }

  beforeAll(async () => {
    cluster = await startRedisCluster();
    relay = await Relay.start('redis-cluster', clusterEnv());
    config = relay.config;
  }, 180_000);

  afterAll(async () => {
    for (const process of spawned) process.child.kill('SIGKILL');
    await relay?.close();
    await cluster?.stop();
  });

  it('reads REDIS_CLUSTER_NODES and a redis+cluster:// REDIS_URL, with 6 partitions unless QUEUE_PARTITIONS says', () => {
    const fromNodes = loadConfig({ REDIS_CLUSTER_NODES: cluster.nodeList });
    expect(fromNodes.redis.url).toBe(`redis+cluster://${cluster.nodeList}`);
    expect(fromNodes.redis.queuePartitions).toBe(6);
    const fromUrl = loadConfig({ REDIS_URL: `redis+cluster://${cluster.nodeList}`, QUEUE_PARTITIONS: '12' });
    expect(fromUrl.redis).toMatchObject({ url: `redis+cluster://${cluster.nodeList}`, queuePartitions: 12 });
    // One server keeps one partition (and its earlier key names) unless told otherwise.
    expect(loadConfig({}).redis.queuePartitions).toBe(1);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: cluster.nodeList, QUEUE_PARTITIONS: '0' })).toThrow(
      ConfigError,
    );
  });

  it('checks every node at start-up and tells which primary serves which partition', async () => {
    const prefixes = relay.gateway.get(QueueSet).prefixes;
    prefixes.forEach((prefix, i) =>
      expect(prefix).toMatch(new RegExp(`^\\{${config.redis.queuePrefix}-p${i}-\\d+\\}$`)),
    );
    const notes: string[] = [];
    const warnings = await verifyRedisDeployment(config.redis.url, prefixes, notes);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^queue partitions \(6\) by cluster primary: /);
    // The harness's primaries are the first three nodes; each is listed, with the partitions it serves.
    const served = new Map<number, number[]>();
    for (const [partition, prefix] of prefixes.entries()) {
      const port = await primaryOf(prefix);
      served.set(port, [...(served.get(port) ?? []), partition]);
    }
    for (const [port, partitions] of served) {
      expect(notes[0]).toContain(`127.0.0.1:${port} → ${partitions.map((p) => `p${p}`).join(',')}`);
    }
    // The tags' slots are evenly spaced, so the three primaries (equal slot ranges) serve two each.
    expect([...served.values()].map((partitions) => partitions.length)).toEqual([2, 2, 2]);
    expect(warnings).toEqual([]);
    // A primary without a partition is worth a warning: with one partition, two of the three serve none.
    const lonely = await verifyRedisDeployment(config.redis.url, prefixes.slice(0, 1));
    expect(lonely).toEqual([
      expect.stringMatching(
        /^Redis Cluster primaries .* serve no queue partition, .*raise QUEUE_PARTITIONS \(now 1\)$/,
      ),
    ]);
    await expect(new RedisPolicyCheck(config).onApplicationBootstrap()).resolves.toBeUndefined();
  });

  it('refuses start-up when any node of the cluster, a replica included, could evict queued work', async () => {
    const replica = (await cluster.view()).find((node) => node.role === 'slave' && !node.failed)!;
    const node = cluster.nodes.find((candidate) => candidate.port === replica.port)!;
    await nodeCommand(node, undefined, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      await expect(verifyRedisDeployment(config.redis.url)).rejects.toThrow(
        `Redis Cluster node 127.0.0.1:${replica.port} has maxmemory-policy "allkeys-lru"`,
      );
    } finally {
      await nodeCommand(node, undefined, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('forwards postbacks whose jobs are spread over the partitions, and so over the primaries', async () => {
    const campaign = await relay.campaign({
      endpoints: [{ url: `${relay.receiver.url}/conv?visitor_id={ext_click_id}&txid={txid}` }],
    });
    const tags = Array.from({ length: 24 }, (_, i) => `cluster-${i}`);
    const postbackIds: string[] = [];
    await Promise.all(
      tags.map(async (tag) => {
        const { clickId } = await relay.click(campaign, { ext_click_id: tag });
        const answer = await relay.postback(campaign.token, {
          cid: clickId,
          payout: '1.00',
          txid: `tx-${tag}`,
        });
        expect(answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
        postbackIds.push(String((answer.body as { postbackId?: string }).postbackId ?? ''));
      }),
    );
    for (const tag of tags) {
      const request = await relay.forwarded((r) => Relay.query(r).get('visitor_id') === tag);
      expect(Relay.query(request).get('txid')).toBe(`tx-${tag}`);
    }

    // Each attribution queue partition that a job hashed to has BullMQ's event stream in its own slot.
    const queues = relay.gateway.get(QueueSet);
    const used = new Set(postbackIds.filter(Boolean).map((id) => partitionOf(`pb_${id}`, PARTITIONS)));
    expect(used.size).toBeGreaterThan(1);
    const primaries = new Set<number>();
    for (const partition of used) {
      const key = `${queues.prefixes[partition]}:${QUEUES.attribution}:events`;
      const port = await primaryOf(key);
      primaries.add(port);
      const owner = cluster.nodes.find((node) => node.port === port)!;
      expect(await nodeCommand<number>(owner, undefined, 'XLEN', key)).toBeGreaterThan(0);
    }
    expect(primaries.size).toBeGreaterThan(1);
  }, 60_000);

  it('serves metrics from every primary: queue series per kind over the partitions, breakers from each node', async () => {
    // Breaker hashes of three endpoints, whose keys the cluster spreads over its primaries.
    const endpoints = ['ep-cluster-a', 'ep-cluster-b', 'ep-cluster-c'];
    const owners = new Set<number>();
    for (const id of endpoints) {
      const key = `${config.redis.queuePrefix}:endpoint:${id}:breaker`;
      const port = await primaryOf(key);
      owners.add(port);
      const node = cluster.nodes.find((candidate) => candidate.port === port)!;
      await nodeCommand(
        node,
        undefined,
        'HSET',
        key,
        'state',
        'open',
        'openUntil',
        String(Date.now() + 600_000),
      );
    }
    const text = await (await fetch(`${await relay.worker.getUrl()}/metrics`)).text();
    for (const id of endpoints) {
      expect(text).toMatch(new RegExp(`^ricochet_endpoint_breaker_state\\{endpoint="${id}"[^}]*\\} 2$`, 'm'));
    }
    expect(owners.size).toBeGreaterThan(1);
    for (const queue of Object.values(QUEUES)) {
      expect(
        text.match(new RegExp(`^ricochet_queue_jobs\\{queue="${queue}",state="waiting"[^}]*\\} \\d+$`, 'gm')),
      ).toHaveLength(1);
    }
    expect(text).not.toMatch(/^ricochet_metrics_collector_errors_total\{[^}]*\} [1-9]/m);
  });

  it('tells the worker of a changed offer over the cluster’s pub/sub', async () => {
    const campaign = await relay.campaign({ endpoints: [{ url: `${relay.receiver.url}/conv` }] });
    const drop = jest.spyOn(relay.worker.get(Lookups), 'drop');
    try {
      await relay.admin('PATCH', `/api/offers/${campaign.offerId}`, { name: 'renamed on the cluster' });
      await eventually('the worker dropped its cached offer', () =>
        Promise.resolve(drop.mock.calls.some(([kind, id]) => kind === 'offer' && id === campaign.offerId)),
      );
      expect(drop).toHaveBeenCalledWith('offer', campaign.offerId);
    } finally {
      drop.mockRestore();
    }
  });

  it('reports ready on a healthy cluster, from the gateway and the worker', async () => {
    for (const app of [relay.gateway, relay.worker]) {
      const ready = eventually('ready on the cluster', async () => {
        const response = await fetch(`${await app.getUrl()}/health/ready`);
        return response.status === 200;
      });
      await expect(ready).resolves.toEqual(expect.any(Number));
    }
  });

  it('refuses a plain REDIS_URL pointing at a cluster node, primary or replica, naming the setting to use', async () => {
    const replica = (await cluster.view()).find((node) => node.role === 'slave' && !node.failed)!;
    for (const port of [cluster.nodes[0].port, replica.port]) {
      await expect(verifyRedisDeployment(`redis://127.0.0.1:${port}`)).rejects.toThrow(
        `127.0.0.1:${port} is a node of a Redis Cluster (INFO reports cluster_enabled:1), given as a single server: set REDIS_CLUSTER_NODES`,
      );
    }

    // The real entry point exits instead of reporting ready on queues that would stall.
    const gateway = spawnEntryPoint(ENTRY_POINTS.gateway, {
      MONGO_URL: ctx.mongoUrl,
      QUEUE_PREFIX: ctx.queuePrefix,
      REDIS_URL: cluster.url,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    });
    spawned.push(gateway);
    const { code } = await gateway.exited;
    expect(code).toBe(1);
    expect(gateway.output()).toContain('is a node of a Redis Cluster');
    expect(gateway.output()).not.toContain('gateway listening');
  }, 120_000);

  it('harness: killMaster(i) hands the primary’s slots to its replica and the cluster serves every slot again', async () => {
    const { killed, promoted } = await cluster.killMaster(1);
    expect(killed.running).toBe(false);
    expect(promoted.port).not.toBe(killed.port);
    const info = await nodeCommand<string>(promoted, undefined, 'CLUSTER', 'INFO');
    expect(info).toContain('cluster_state:ok');
    expect((await cluster.view()).find((node) => node.port === promoted.port)?.role).toBe('master');
  });
});
