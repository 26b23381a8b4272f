import { partitionPrefixes } from '@ricochet/queue';
import { eventually } from '../support/config';
import { type RedisCluster, startRedisCluster } from '../support/redis-cluster';
import { nodeCommand } from '../support/redis-node';
import { describeTally, type SeenRequest } from './chaos-receiver';
import {
  type AppProcess,
  BOOT_TIMEOUT_MS,
  CHAOS_TIMINGS,
  ChaosStack,
  PacedLoad,
  report,
  since,
} from './chaos.fixture';

/**
 * Chaos 9 — scale-out on a Redis Cluster: two gateways and three workers, separate processes started
 * from the compiled `dist/` entry points as deployed, on a real cluster of three primaries and three
 * replicas (Debian's redis-server, `redis-cli --cluster create`) and the harness MongoDB. The queues
 * are split into 6 partitions (`QUEUE_PARTITIONS`), each a hash tag the cluster places on a primary.
 *
 * Paced postbacks (25 a second, each for a click registered up front) go to both gateways in turn,
 * and one answered anything but 200 is retried on the other gateway, as an advertiser retries. The
 * partner answers every forward after 50–150 ms. Under that load:
 *
 * 1. one primary is killed (kill -9); its replica takes over its slots — and the queue partitions on
 *    them — after the cluster's node timeout (1 s here) plus the election;
 * 2. one worker is killed (kill -9) mid-delivery; its active jobs come back to the two others after
 *    JOB_LOCK + STALLED_INTERVAL.
 *
 * Then every postback answered 200 is forwarded (ids verified at the receiver, each with its own
 * Idempotency-Key), MongoDB holds one conversion and one delivered delivery per accepted postback, and
 * every process still running is ready. A forward may be repeated, at most once and with the same
 * Idempotency-Key, only when one of the two kills explains it:
 *
 * - it was in flight at the killed worker (open at the partner at the kill);
 * - it was first sent while its job's primary died: replication is asynchronous, so the promoted
 *   replica may lack the job's completion or lock renewal, and the job runs again after JOB_LOCK +
 *   STALLED_INTERVAL — the at-least-once contract of docs/reliability.md. The window runs from 1 s
 *   before the kill to JOB_LOCK + STALLED_INTERVAL after the replica took over.
 *
 * The scenario has 150 s once the processes are up.
 */
const SCENARIO = 'redis cluster';
const LIMIT_MS = 150_000;
const RATE_PER_SECOND = 25;
const PARTITIONS = 6;
/** Load before the primary is killed, between the two kills, and after the worker kill. */
const PHASE_MS = 5_000;
const replyDelayMs = (request: SeenRequest): number => 50 + ((request.seq * 37) % 101);

describe('chaos: 2 gateways × 3 workers on a Redis Cluster, a primary and a worker killed under load', () => {
  let cluster: RedisCluster;
  let stack: ChaosStack;
  let gateways: AppProcess[];
  let workers: AppProcess[];
  let load: PacedLoad | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    stack = await ChaosStack.create('chaos-redis-cluster', {
      compiled: true,
      env: { REDIS_URL: '', REDIS_CLUSTER_NODES: cluster.nodeList, QUEUE_PARTITIONS: String(PARTITIONS) },
    });
    const apps = await stack.boot(['gateway', 'gateway', 'worker', 'worker', 'worker'], SCENARIO);
    gateways = apps.slice(0, 2);
    workers = apps.slice(2);
  }, BOOT_TIMEOUT_MS + 190_000);
  afterAll(async () => {
    await load?.abort();
    await stack?.close();
    await cluster?.stop();
  });

  it(
    `forwards every accepted postback through a primary failover and a worker kill; limit ${LIMIT_MS / 1000} s`,
    () =>
      stack.guard(async () => {
        const started = Date.now();
        const campaign = await stack.campaign();
        stack.receiver.answer((request) => ({ status: 200, delayMs: replyDelayMs(request) }));
        const traffic = new PacedLoad(stack, campaign, { ratePerSecond: RATE_PER_SECOND, label: 'rc' });
        load = traffic;
        for (const gateway of gateways) traffic.addTarget(gateway);
        await traffic.start();
        const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

        await pause(PHASE_MS);
        // The primary serving partition 0, so the kill takes queues down with it (killMaster counts the
        // primaries in slot order).
        const prefixes = partitionPrefixes(stack.ctx.queuePrefix, PARTITIONS, true);
        const slots = await Promise.all(
          prefixes.map((prefix) =>
            nodeCommand<number>(cluster.nodes[1], undefined, 'CLUSTER', 'KEYSLOT', prefix),
          ),
        );
        const primaries = (await cluster.view())
          .filter((node) => node.role === 'master' && !node.failed && node.firstSlot !== undefined)
          .sort((a, b) => a.firstSlot! - b.firstSlot!);
        const target = primaries.filter((node) => node.firstSlot! <= slots[0]).length - 1;
        const lastSlot = (i: number): number => (primaries[i + 1]?.firstSlot ?? 16_384) - 1;
        const onTarget = prefixes
          .map((_, p) => p)
          .filter((p) => slots[p] >= primaries[target].firstSlot! && slots[p] <= lastSlot(target));
        const failoverStarted = Date.now();
        const { killed, promoted } = await cluster.killMaster(target);
        const failoverWindow = {
          from: failoverStarted - 1_000,
          to: Date.now() + CHAOS_TIMINGS.JOB_LOCK + CHAOS_TIMINGS.STALLED_INTERVAL,
        };
        report(
          SCENARIO,
          `primary :${killed.port} (queue partitions ${onTarget.map((p) => `p${p}`).join(', ')}) killed after ` +
            `${traffic.sent} postbacks; replica :${promoted.port} serves its slots ${since(failoverStarted)} later`,
        );
        expect(onTarget).toContain(0);

        await pause(PHASE_MS);
        const openAtReceiver = (): SeenRequest[] =>
          stack.receiver.requests.filter((r) => r.answeredAt === undefined && !r.aborted);
        await eventually(
          'forwards in flight at the receiver before the worker kill',
          () => Promise.resolve(openAtReceiver().length > 0),
          { timeoutMs: 30_000, intervalMs: 5 },
        );
        const victim = workers[0];
        const inFlight = new Set(openAtReceiver().map((request) => request.cid));
        await stack.kill9(victim);
        report(SCENARIO, `${victim.name} killed with ${inFlight.size} forwards in flight`);

        await pause(PHASE_MS);
        await traffic.stop();
        const accepted = traffic.accepted();
        report(
          SCENARIO,
          `load: ${traffic.sent} postbacks in ${traffic.seconds.toFixed(1)} s, ${accepted.length} answered 200; ` +
            `answers other than 200 (retried): ${traffic.failures()}`,
        );
        // Every postback got its 200 in the end: a gateway never turns one away for good.
        expect(traffic.givenUp().map((p) => p.clickId)).toEqual([]);

        const waitedMs = await eventually(
          'every accepted postback forwarded',
          () => Promise.resolve(accepted.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: 60_000, intervalMs: 100 },
        ).catch((error: Error) => {
          throw new Error(`${error.message}; ${describeTally(stack.receiver.tally(accepted))}`);
        });
        const tally = stack.receiver.tally(accepted);
        report(SCENARIO, `${describeTally(tally)}; the last forward ${waitedMs} ms after the load stopped`);
        expect({ tally: describeTally(tally), lost: tally.lost.length, unknown: tally.strangers }).toEqual({
          tally: describeTally(tally),
          lost: 0,
          unknown: 0,
        });
        // A forward is sent again only when a kill explains it (see above), and at most once more.
        const firstSentAt = (cid: string): number =>
          Math.min(...stack.receiver.requests.filter((r) => r.cid === cid).map((r) => r.receivedAt));
        const duringFailover = (cid: string): boolean =>
          firstSentAt(cid) >= failoverWindow.from && firstSentAt(cid) <= failoverWindow.to;
        const repeated = [...tally.duplicates.entries()];
        const overRedelivered = repeated.filter(
          ([cid, extra]) => extra > 1 || !(inFlight.has(cid) || duringFailover(cid)),
        );
        report(
          SCENARIO,
          `forwards repeated: ${repeated.length} (${repeated.filter(([cid]) => inFlight.has(cid)).length} in flight ` +
            `at the worker kill, ${repeated.filter(([cid]) => !inFlight.has(cid) && duringFailover(cid)).length} first sent ` +
            `while their primary failed over)`,
        );
        if (overRedelivered.length > 0) {
          report(SCENARIO, await stack.attemptLog(overRedelivered.slice(0, 10).map(([cid]) => cid)));
        }
        expect({ overRedelivered }).toEqual({ overRedelivered: [] });
        expect(tally.keyMismatches).toEqual([]);

        // MongoDB agrees: one conversion and one delivered delivery per accepted postback.
        const db = await stack.db();
        expect(await db.collection('conversions').countDocuments({})).toBe(accepted.length);
        await stack.allDeliveredInMongo(accepted.length, 30_000);

        // The processes still running are ready on the cluster as it now is.
        for (const app of [...gateways, ...workers.slice(1)]) {
          await eventually(
            `${app.name} ready after the failover`,
            async () => (await stack.readiness(app)) === 200,
            {
              timeoutMs: 30_000,
            },
          );
        }
        report(SCENARIO, `done in ${since(started)}`);
      }, LIMIT_MS),
    LIMIT_MS + 10_000,
  );
});
