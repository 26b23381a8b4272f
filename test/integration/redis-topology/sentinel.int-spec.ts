import type { RicochetConfig } from '@ricochet/config';
import { bullConnectionOptions, createProbeClient, parseInfo } from '@ricochet/queue';
import { type Job, Queue, Worker } from 'bullmq';
import { RedisPolicyCheck, verifyRedisDeployment } from '../../../libs/queue/src/redis-policy.check';
import { Relay } from '../../e2e/relay.fixture';
import { eventually } from '../../support/config';
import { nodeCommand } from '../../support/redis-node';
import { type RedisSentinelSet, startRedisSentinelSet } from '../../support/redis-sentinel';

/**
 * Ricochet on a Sentinel-managed Redis (a primary, a replica, three Sentinels, all with passwords):
 * every client comes from the product's factory (`bullConnectionOptions` / `createProbeClient` on
 * `config.redis.url`), reaches the primary through the Sentinels, and follows it across a failover
 * without being recreated. The whole relay (gateway + worker, as deployed) runs on it too.
 */
describe('Redis behind Sentinel', () => {
  let set: RedisSentinelSet;
  let relay: Relay;
  let config: RicochetConfig;
  let queue: Queue;
  let worker: Worker;
  const done = new Map<string, (job: Job) => void>();
  const processed = (jobId: string): Promise<Job> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`job ${jobId} not processed in 15 s`)), 15_000);
      done.set(jobId, (job) => {
        clearTimeout(timer);
        resolve(job);
      });
    });
  /** The port of the server a client of the factory is connected to. */
  const servingPort = async (client: Promise<{ info(): Promise<string> }>): Promise<number> =>
    Number(parseInfo(await (await client).info()).tcp_port);

  beforeAll(async () => {
    set = await startRedisSentinelSet({ password: 'data p@ss:/?#%', sentinelPassword: 'sentinel&pass=1' });
    relay = await Relay.start('redis-sentinel', set.env);
    config = relay.config;
    const options = { connection: bullConnectionOptions(config.redis.url), prefix: config.redis.queuePrefix };
    queue = new Queue('topology-probe', options);
    worker = new Worker('topology-probe', (job) => Promise.resolve(`done ${job.id}`), options);
    worker.on('completed', (job) => done.get(job.id ?? '')?.(job));
    // Connection errors while a primary is away are expected here; the assertions are on the jobs.
    worker.on('error', () => undefined);
    queue.on('error', () => undefined);
  }, 180_000);

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await relay?.close();
    await set?.stop();
  });

  async function forwardsAPostback(tag: string): Promise<void> {
    const campaign = await relay.campaign({
      endpoints: [{ url: `${relay.receiver.url}/conv?visitor_id={ext_click_id}&txid={txid}` }],
    });
    const { clickId } = await relay.click(campaign, { ext_click_id: tag });
    const answer = await relay.postback(campaign.token, { cid: clickId, payout: '1.00', txid: `tx-${tag}` });
    expect(answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
    const request = await relay.forwarded((r) => Relay.query(r).get('visitor_id') === tag);
    expect(Relay.query(request).get('txid')).toBe(`tx-${tag}`);
  }

  async function readiness(app: 'gateway' | 'worker'): Promise<number> {
    return (await fetch(`${await relay[app].getUrl()}/health/ready`)).status;
  }

  it('connects through the Sentinels to the primary: the start-up check passes and a BullMQ job round-trips', async () => {
    expect(config.redis.url).toMatch(/^redis\+sentinel:\/\//);
    const primary = await set.primary();
    expect(primary).toBe(set.nodes[0]);

    // The start-up check sees the primary and the replica the Sentinels list, both noeviction.
    await expect(verifyRedisDeployment(config.redis.url)).resolves.toEqual([]);
    await expect(new RedisPolicyCheck(config).onApplicationBootstrap()).resolves.toBeUndefined();

    const job = processed('before-failover');
    await queue.add('probe', { n: 1 }, { jobId: 'before-failover' });
    expect((await job).returnvalue).toBe('done before-failover');
    expect(await servingPort(queue.getBackend().client)).toBe(primary.port);
  });

  it('runs the relay on it: gateway and worker ready, a postback is forwarded', async () => {
    expect(await readiness('gateway')).toBe(200);
    expect(await readiness('worker')).toBe(200);
    await forwardsAPostback('before-failover');
  });

  it('follows a failover: the same queue, worker and apps carry on with the new primary', async () => {
    const { from, to } = await set.failover();
    expect(to).not.toBe(from);

    // Once the old primary replicates from the new one (the Sentinels then drop its clients), work goes
    // on through the same Queue and Worker, on the new primary.
    await set.settled();
    const afterFailover = processed('after-failover');
    await queue.add('probe', { n: 2 }, { jobId: 'after-failover' });
    expect((await afterFailover).returnvalue).toBe('done after-failover');
    expect(await servingPort(queue.getBackend().client)).toBe(to.port);
    expect(await servingPort(worker.getBackend().client)).toBe(to.port);
    const meta = `${config.redis.queuePrefix}:topology-probe:meta`;
    expect(await nodeCommand<number>(to, set.password, 'EXISTS', meta)).toBe(1);

    // The readiness probes reconnect through the Sentinels too, and the relay forwards again.
    await eventually('gateway ready after the failover', async () => (await readiness('gateway')) === 200);
    await eventually('worker ready after the failover', async () => (await readiness('worker')) === 200);
    await forwardsAPostback('after-failover');

    // The start-up check passes against the new layout (the old primary is now the replica).
    await expect(verifyRedisDeployment(config.redis.url)).resolves.toEqual([]);
  }, 120_000);

  it('refuses start-up when a replica the Sentinels list could evict, naming it', async () => {
    const primary = await set.primary();
    const replica = set.nodes.find((node) => node !== primary)!;
    await nodeCommand(replica, set.password, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      await expect(verifyRedisDeployment(config.redis.url)).rejects.toThrow(
        new RegExp(
          `^Redis replica 127\\.0\\.0\\.1:${replica.port} of "${set.masterName}" has maxmemory-policy "allkeys-lru"`,
        ),
      );
    } finally {
      await nodeCommand(replica, set.password, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('refuses start-up on an unknown master name or a Sentinel given as REDIS_URL; a probe client reaches the primary', async () => {
    const wrong = config.redis.url.replace(`/${set.masterName}?`, '/no-such-primary?');
    expect(wrong).not.toBe(config.redis.url);
    await expect(verifyRedisDeployment(wrong)).rejects.toThrow(
      /no Sentinel of REDIS_SENTINELS monitors a primary named "no-such-primary"/,
    );

    // A Sentinel's address given as REDIS_URL is not a data node.
    const sentinel = set.sentinels[0];
    const asUrl = `redis://:${encodeURIComponent(set.sentinelPassword!)}@127.0.0.1:${sentinel.port}`;
    await expect(verifyRedisDeployment(asUrl)).rejects.toThrow(
      `127.0.0.1:${sentinel.port} is a Redis Sentinel, not a Redis server: set REDIS_SENTINELS`,
    );

    const probe = createProbeClient(config.redis.url);
    probe.on('error', () => undefined);
    try {
      await eventually('probe connected', () => Promise.resolve(probe.status === 'ready'));
      expect(Number(parseInfo(await probe.info('server')).tcp_port)).toBe((await set.primary()).port);
    } finally {
      probe.disconnect();
    }
  });

  // Last: it leaves the set with one live data node.
  it('rides out a crashed primary: a job added while it is down is processed on the promoted replica', async () => {
    const dead = await set.primary();
    await dead.kill();
    // Queued by the client while no primary is reachable, sent once the Sentinels name the new one.
    const duringOutage = processed('during-outage');
    const added = queue.add('probe', { n: 3 }, { jobId: 'during-outage' });
    const heir = await set.promoted(dead);
    await added;
    expect((await duringOutage).returnvalue).toBe('done during-outage');
    expect(await servingPort(queue.getBackend().client)).toBe(heir.port);

    await eventually('gateway ready after the crash', async () => (await readiness('gateway')) === 200, {
      timeoutMs: 15_000,
    });
    await forwardsAPostback('after-crash');
  }, 120_000);
});
