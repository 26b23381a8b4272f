import { ConfigError, type EnvName, loadConfig } from '@ricochet/config';
import { bullConnectionOptions, createProbeClient } from '@ricochet/queue';
import { RedisPolicyCheck, verifyRedisDeployment } from '../../../libs/queue/src/redis-policy.check';
import { testConfig } from '../../support/config';
import { ENTRY_POINTS, spawnEntryPoint, type SpawnedProcess } from '../../support/processes';
import { type RedisCluster, startRedisCluster } from '../../support/redis-cluster';
import { nodeCommand } from '../../support/redis-node';
import { suiteContext } from '../../support/suite';

const REFUSED = 'Redis Cluster is not supported yet: ';

/**
 * Ricochet's queue keys are not hash-tagged yet, so on a Redis Cluster BullMQ's multi-key scripts fail
 * (CROSSSLOT / MOVED) and queues stall while every process looks healthy. Until partitioned queues exist,
 * start-up refuses a cluster with one clear message, whether it is configured as one (REDIS_CLUSTER_NODES,
 * a redis+cluster:// URL) or hidden behind a plain REDIS_URL that points at one of its nodes. Runs on a
 * real 6-node cluster of its own, and boots the real gateway entry point.
 */
describe('Redis Cluster is refused at start-up (not supported yet)', () => {
  let cluster: RedisCluster;
  const ctx = suiteContext('redis-cluster');
  const spawned: SpawnedProcess[] = [];

  /** Runs the gateway's entry point (apps/gateway/src/main.ts) and resolves with how it ended. */
  async function bootGateway(
    env: Partial<Record<EnvName, string>>,
  ): Promise<{ code: number | null; output: string }> {
    const gateway = spawnEntryPoint(ENTRY_POINTS.gateway, {
      MONGO_URL: ctx.mongoUrl,
      QUEUE_PREFIX: ctx.queuePrefix,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    });
    spawned.push(gateway);
    const { code } = await gateway.exited;
    return { code, output: gateway.output() };
  }

  function configProblems(env: Partial<Record<EnvName, string>>): string {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.join('\n');
      throw error;
    }
    throw new Error('expected loadConfig to refuse the environment');
  }

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 180_000);
  afterAll(async () => {
    for (const process of spawned) process.child.kill('SIGKILL');
    await cluster?.stop();
  });

  it('refuses REDIS_CLUSTER_NODES and a redis+cluster:// REDIS_URL when the configuration is read', async () => {
    for (const env of [
      { REDIS_CLUSTER_NODES: cluster.nodeList },
      { REDIS_URL: `redis+cluster://${cluster.nodeList}` },
    ]) {
      const problems = configProblems(env);
      expect(problems.startsWith(REFUSED)).toBe(true);
      expect(problems).toContain(`names a cluster (${cluster.nodeList.replaceAll(',', ', ')})`);
      expect(problems).toContain('REDIS_SENTINELS');
    }

    // The real entry point stops before it opens any connection, with the message on stderr.
    const { code, output } = await bootGateway({ REDIS_CLUSTER_NODES: cluster.nodeList });
    expect(code).toBe(1);
    expect(output).toContain(`Invalid configuration:\n  - ${REFUSED}REDIS_CLUSTER_NODES names a cluster`);
  }, 120_000);

  it('refuses a cluster connection string handed to the client factories or the start-up check', async () => {
    const url = `redis+cluster://${cluster.nodeList}`;
    expect(() => bullConnectionOptions(url)).toThrow(REFUSED);
    expect(() => createProbeClient(url)).toThrow(REFUSED);
    await expect(verifyRedisDeployment(url)).rejects.toThrow(REFUSED);
  });

  it('refuses a plain REDIS_URL pointing at a cluster node (INFO: cluster_enabled:1), primary or replica', async () => {
    const replica = (await cluster.view()).find((node) => node.role === 'slave')!;
    for (const port of [cluster.nodes[0].port, replica.port]) {
      const config = testConfig(ctx, { REDIS_URL: `redis://127.0.0.1:${port}` });
      await expect(new RedisPolicyCheck(config).onApplicationBootstrap()).rejects.toThrow(
        `${REFUSED}127.0.0.1:${port} is a node of a Redis Cluster (INFO reports cluster_enabled:1)`,
      );
    }

    // What used to happen: the gateway started, reported ready, and its queues stalled. Now it exits.
    const { code, output } = await bootGateway({ REDIS_URL: cluster.url });
    expect(code).toBe(1);
    expect(output).toContain(`${REFUSED}127.0.0.1:${cluster.nodes[0].port} is a node of a Redis Cluster`);
    expect(output).not.toContain('gateway listening');
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
