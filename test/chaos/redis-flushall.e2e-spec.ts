import { Redis } from 'ioredis';
import { eventually } from '../support/config';
import { type RedisInstance, startRedisInstance } from '../support/redis-instance';
import { describeTally } from './chaos-receiver';
import {
  BOOT_TIMEOUT_MS,
  CHAOS_TIMINGS,
  ChaosStack,
  report,
  schedulingSlackMs,
  since,
} from './chaos.fixture';

/**
 * Chaos 4 — Redis loses everything (`FLUSHALL`) while retries are scheduled.
 *
 * Redis only dispatches; MongoDB holds every delivery with its `nextAttemptAt`. After the flush the
 * delayed retry jobs are gone, so the sweeper must find the deliveries (`failed`, due) and enqueue them
 * again: a delivery due at T is claimed once it is SWEEPER_GRACE overdue, within one SWEEPER_INTERVAL,
 * so it goes out by T + SWEEPER_GRACE + SWEEPER_INTERVAL — 2 s + 1 s here, 30 s + 30 s = 60 s with the
 * production defaults. The breaker threshold is raised so the first failures only schedule retries
 * (the breaker has its own scenario).
 *
 * Runs on a redis-server of its own: a FLUSHALL on the harness Redis would wipe every other suite.
 * Time limit: 60 s once the processes are up (their boot has its own timeout, BOOT_TIMEOUT_MS).
 */
const SCENARIO = 'Redis FLUSHALL';
const LIMIT_MS = 60_000;
const POSTBACKS = 40;
/** Long enough for every first attempt to fail before the first retry is due, even on a loaded box. */
const RETRY_MS = 10_000;
const SWEEP_FORMULA_MS = CHAOS_TIMINGS.SWEEPER_GRACE + CHAOS_TIMINGS.SWEEPER_INTERVAL;

describe('chaos: Redis FLUSHALL with retries pending', () => {
  let redis: RedisInstance;
  let stack: ChaosStack;
  let client: Redis | undefined;

  beforeAll(async () => {
    redis = await startRedisInstance();
    stack = await ChaosStack.create('chaos-redis-flushall', {
      redisUrl: redis.url,
      env: {
        RETRY_SCHEDULE: `${RETRY_MS / 1000}s,${RETRY_MS / 1000}s,${RETRY_MS / 1000}s`,
        BREAKER_FAILURES: '1000',
      },
    });
    await stack.boot(['gateway', 'worker'], SCENARIO);
  }, BOOT_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    client?.disconnect();
    await stack?.close();
    await redis?.destroy();
  });

  it(
    `delivers everything due within SWEEPER_GRACE + SWEEPER_INTERVAL of its due time (${SWEEP_FORMULA_MS / 1000} s + slack here, 60 s in production), at most 60 s after the flush; limit ${LIMIT_MS / 1000} s`,
    () =>
      stack.guard(async () => {
        const started = Date.now();
        const campaign = await stack.campaign();
        const clicks = await stack.clicks(campaign, POSTBACKS, 'fl');
        const later = await stack.clicks(campaign, 10, 'fl-after');

        // The partner fails each first attempt, then recovers: every delivery waits for a retry.
        stack.receiver.answer((_request, earlier) => ({ status: earlier.length === 0 ? 503 : 200 }));
        const results = await stack.postbacks(campaign, clicks, { connections: 8 });
        expect(results.filter((r) => r.status !== 200)).toEqual([]);
        const db = await stack.db();
        const deliveries = db.collection('deliveries');
        await eventually(
          `all ${POSTBACKS} deliveries failed once, their retries scheduled`,
          async () => (await deliveries.countDocuments({ state: 'failed', attempts: 1 })) === POSTBACKS,
          { timeoutMs: 30_000, intervalMs: 100 },
        ).catch(async (error: Error) => {
          // Before any chaos: say what the deliveries did instead.
          const docs = await deliveries.find({}).toArray();
          const odd = docs.filter((d) => d.state !== 'failed' || d.attempts !== 1);
          const byState = docs.map((d) => `${String(d.state)}/${String(d.attempts)}`).sort();
          const cids = await db
            .collection('conversions')
            .find({ _id: { $in: odd.map((d) => d.conversionId) } })
            .toArray();
          throw new Error(
            `${error.message}; ${docs.length} deliveries (state/attempts): ${byState.join(' ')}\n` +
              `${await stack.attemptLog(cids.map((c) => String(c.clickId)))}\n` +
              `receiver: ${stack.receiver.requests.length} requests`,
          );
        });
        const due = await deliveries.find({}, { projection: { nextAttemptAt: 1 } }).toArray();
        const lastDueAt = Math.max(...due.map((d) => (d.nextAttemptAt as Date).getTime()));

        client = new Redis(redis.url);
        const flushedAt = Date.now();
        expect(lastDueAt).toBeGreaterThan(flushedAt); // no retry went out yet: the flush takes them all
        await client.flushall();
        expect(await client.dbsize()).toBe(0);
        report(SCENARIO, `FLUSHALL with ${POSTBACKS} retries due in ≤ ${lastDueAt - flushedAt} ms`);

        await eventually(
          'every postback delivered after the flush',
          () => Promise.resolve(clicks.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: 60_000, intervalMs: 100 },
        ).catch((error: Error) => {
          throw new Error(`${error.message}; ${describeTally(stack.receiver.tally(clicks))}`);
        });
        const lastDeliveredAt = Math.max(
          ...clicks.map(
            (cid) => stack.receiver.of(cid).find((r) => r.status === 200)?.answeredAt ?? Infinity,
          ),
        );
        const tally = stack.receiver.tally(clicks);
        const sweepBoundMs = SWEEP_FORMULA_MS + schedulingSlackMs();
        report(
          SCENARIO,
          `last delivery ${lastDeliveredAt - flushedAt} ms after the flush, ${lastDeliveredAt - lastDueAt} ms ` +
            `after the last due time (bound ${SWEEP_FORMULA_MS} ms + slack = ${sweepBoundMs} ms); ${describeTally(tally)}`,
        );
        expect({ tally: describeTally(tally), lost: tally.lost.length }).toMatchObject({ lost: 0 });
        // One failed first attempt and one successful retry per click: nothing sent twice.
        const wrongCounts = clicks.filter((cid) => stack.receiver.of(cid).length !== 2);
        expect({ tally: describeTally(tally), wrongCounts }).toMatchObject({ wrongCounts: [] });
        expect(tally.deliveredTwice).toEqual([]);
        expect(tally.keyMismatches).toEqual([]);
        expect(lastDeliveredAt - flushedAt).toBeLessThanOrEqual(60_000);
        expect(lastDeliveredAt - lastDueAt).toBeLessThanOrEqual(sweepBoundMs);
        // The retries were the sweeper's: the delayed jobs died with the flush.
        await stack.allDeliveredInMongo(POSTBACKS);
        const triggers = await db
          .collection('delivery_attempts')
          .aggregate<{ _id: string; n: number }>([
            { $match: { attemptNo: 2 } },
            { $group: { _id: '$trigger', n: { $sum: 1 } } },
          ])
          .toArray();
        expect(triggers).toEqual([{ _id: 'sweeper', n: POSTBACKS }]);

        // The processes work on after the flush: new postbacks are forwarded at once.
        stack.receiver.answer(() => ({ status: 200 }));
        const after = await stack.postbacks(campaign, later, { connections: 4 });
        expect(after.filter((r) => r.status !== 200)).toEqual([]);
        await eventually(
          'postbacks sent after the flush forwarded',
          () => Promise.resolve(later.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: 20_000, intervalMs: 100 },
        );
        report(SCENARIO, `done in ${since(started)}`);
      }, LIMIT_MS),
    LIMIT_MS + 10_000,
  );
});
