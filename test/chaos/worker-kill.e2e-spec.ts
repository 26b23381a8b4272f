import { eventually } from '../support/config';
import { describeTally } from './chaos-receiver';
import {
  type AppProcess,
  BOOT_TIMEOUT_MS,
  CHAOS_TIMINGS,
  ChaosStack,
  report,
  schedulingSlackMs,
  since,
} from './chaos.fixture';

/**
 * Chaos 1 — kill -9 of the worker while its deliveries are in flight.
 *
 * The first attempt of a delivery is made inside the postback's attribution job, before the delivery is
 * written (its id derives from its idempotency key). A worker killed mid-request leaves that job active
 * in Redis with a lock nobody renews. The lock runs out at most `JOB_LOCK` after the kill (it is renewed
 * every `JOB_LOCK / 2`), and the next stalled-job check of a live worker (every `STALLED_INTERVAL`)
 * moves the job back to waiting; the job is marked "possibly stalled" at one check and moved at the
 * next, so the bound after the kill is
 *
 *     redelivery ≤ JOB_LOCK + STALLED_INTERVAL   (+ pick-up)
 *
 * = 5 s + 2 s here, and 30 s + 15 s = 45 s with the production defaults. That worst case needs a kill
 * just after a lock renewal and a stalled check just before the lock runs out; it happens: with the
 * production values, a kill right after a renewal and the surviving worker's check 14.8 s later gave
 * redeliveries 46.0 s after the kill (30.3 s when its check fell just after the lock ran out). So the
 * "within 40 s" target holds only on average; guaranteeing it needs JOB_LOCK + STALLED_INTERVAL ≤ 40 s
 * (e.g. STALLED_INTERVAL 10 s).
 *
 * The restarted worker is booted up front with the others and paused (SIGSTOP: it holds its
 * connections and takes no work), and continued (SIGCONT) right after the kill: a restart that takes no
 * boot time, so the measured time is the product's recovery, not ts-node's boot (tens of seconds on the
 * loaded 2-core CI box). A supervisor restarting the worker in place gives the same bound once the new
 * process runs: max(kill + JOB_LOCK, boot) + STALLED_INTERVAL.
 *
 * Time limit: 60 s once the processes are up (their boot has its own timeout, BOOT_TIMEOUT_MS).
 */
const LIMIT_MS = 60_000;
const SCENARIO = 'worker kill -9';
const POSTBACKS = 12;
const FORMULA_MS = CHAOS_TIMINGS.JOB_LOCK + CHAOS_TIMINGS.STALLED_INTERVAL;

describe('chaos: kill -9 of the worker mid-delivery', () => {
  let stack: ChaosStack;
  let first: AppProcess;
  let restarted: AppProcess;

  beforeAll(async () => {
    // Every postback's attribution job runs at once on the first worker, so every delivery is in flight there.
    // FORWARD_TIMEOUT at its maximum: held requests stay open until the kill, however slow the box.
    stack = await ChaosStack.create('chaos-worker-kill', {
      env: { ATTRIBUTION_CONCURRENCY: '50', FORWARD_TIMEOUT: '45s' },
    });
    [, first, restarted] = await stack.boot(['gateway', 'worker', 'worker'], SCENARIO);
    stack.pause(restarted);
  }, BOOT_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    await stack?.close();
  });

  it(
    `redelivers every in-flight delivery within JOB_LOCK + STALLED_INTERVAL of the kill (${FORMULA_MS / 1000} s + slack here, 45 s with production defaults), with the same Idempotency-Key; limit ${LIMIT_MS / 1000} s`,
    () =>
      stack.guard(async () => {
        const started = Date.now();
        const campaign = await stack.campaign();
        const clicks = await stack.clicks(campaign, POSTBACKS, 'wk');

        stack.receiver.answer(() => 'hold');
        const results = await stack.postbacks(campaign, clicks, { connections: 4 });
        expect(results.filter((r) => r.status !== 200)).toEqual([]);
        await eventually(
          `all ${POSTBACKS} first attempts held open by the receiver`,
          () => Promise.resolve(stack.receiver.open().length === POSTBACKS),
          { timeoutMs: 30_000 },
        );
        expect(stack.receiver.requests).toHaveLength(POSTBACKS);
        const inFlight = new Set(stack.receiver.open().map((r) => r.cid));

        stack.receiver.answer(() => ({ status: 200 }));
        const killedAt = await stack.kill9(first);
        stack.resume(restarted);
        await eventually(
          'every postback delivered after the kill',
          () => Promise.resolve(clicks.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: 60_000, intervalMs: 50 },
        );

        const redeliveredAfterMs = stack.receiver.redeliveredWithinMs(clicks, killedAt);
        const tally = stack.receiver.tally(clicks);
        const boundMs = FORMULA_MS + schedulingSlackMs();
        report(
          SCENARIO,
          `last redelivery ${redeliveredAfterMs} ms after the kill (bound ${FORMULA_MS} ms + slack = ${boundMs} ms); ` +
            describeTally(tally),
        );

        expect({ tally: describeTally(tally), lost: tally.lost.length }).toMatchObject({ lost: 0 });
        // Duplicates only for the deliveries in flight at the kill: each at most once more, same key.
        const overRedelivered = [...tally.duplicates.entries()].filter(
          ([cid, extra]) => !inFlight.has(cid) || extra > 1,
        );
        expect({ tally: describeTally(tally), overRedelivered }).toMatchObject({ overRedelivered: [] });
        expect(tally.keyMismatches).toEqual([]);
        expect(
          stack.receiver.requests
            .filter((r) => r.aborted)
            .map((r) => r.cid)
            .sort(),
        ).toEqual([...inFlight].sort());
        expect(redeliveredAfterMs).toBeLessThanOrEqual(boundMs);

        // MongoDB agrees: one conversion and one delivered delivery per postback.
        const db = await stack.db();
        expect(await db.collection('conversions').countDocuments({})).toBe(POSTBACKS);
        await stack.allDeliveredInMongo(POSTBACKS);
        report(SCENARIO, `done in ${since(started)}`);
      }, LIMIT_MS),
    LIMIT_MS + 10_000,
  );
});
