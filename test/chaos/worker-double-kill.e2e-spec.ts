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
 * Chaos 2 — kill -9 of the worker twice in a row, both times while the same deliveries are in flight.
 *
 * The second kill makes the same attribution jobs stall a second time. A job that stalls more than
 * BullMQ's `maxStalledCount` is failed, and a failed job that is kept keeps its id, so every later
 * enqueue of that id is ignored: that is how this used to wedge work forever. Now a kill is just another
 * stall up to MAX_STALLED_COUNT (libs/queue/src/queue-set.ts), and ended jobs are removed
 * (JOB_RETENTION in libs/queue/src/job-store.ts) so the sweeper can enqueue the work again.
 *
 * Each kill is recovered like a single one (worker-kill.e2e-spec.ts): redelivery ≤ JOB_LOCK +
 * STALLED_INTERVAL after the kill once a healthy worker runs — 5 s + 2 s here, 45 s with production
 * defaults. As there, the replacement workers are booted up front and paused (SIGSTOP), and each is
 * continued (SIGCONT) right after the kill of its predecessor: restarts that take no boot time.
 *
 * Time limit: 90 s once the processes are up (their boot has its own timeout, BOOT_TIMEOUT_MS).
 */
const SCENARIO = 'worker kill -9 twice';
const LIMIT_MS = 90_000;
const POSTBACKS = 10;
const FORMULA_MS = CHAOS_TIMINGS.JOB_LOCK + CHAOS_TIMINGS.STALLED_INTERVAL;

describe('chaos: kill -9 of the worker twice in a row mid-delivery', () => {
  let stack: ChaosStack;
  let first: AppProcess;
  let second: AppProcess;
  let third: AppProcess;

  beforeAll(async () => {
    stack = await ChaosStack.create('chaos-worker-double-kill', {
      env: { ATTRIBUTION_CONCURRENCY: '50', FORWARD_TIMEOUT: '45s' },
    });
    [, first, second, third] = await stack.boot(['gateway', 'worker', 'worker', 'worker'], SCENARIO);
    stack.pause(second);
    stack.pause(third);
  }, BOOT_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    await stack?.close();
  });

  it(
    'still delivers every postback once a worker is healthy, each kill recovered within JOB_LOCK + ' +
      `STALLED_INTERVAL (${FORMULA_MS / 1000} s + slack here, 45 s in production); limit ${LIMIT_MS / 1000} s`,
    () =>
      stack.guard(async () => {
        const started = Date.now();
        const campaign = await stack.campaign();
        const clicks = await stack.clicks(campaign, POSTBACKS, 'wdk');

        stack.receiver.answer(() => 'hold');
        const results = await stack.postbacks(campaign, clicks, { connections: 4 });
        expect(results.filter((r) => r.status !== 200)).toEqual([]);
        await eventually(
          'every first attempt held open at the first worker',
          () => Promise.resolve(stack.receiver.open().length === POSTBACKS),
          { timeoutMs: 30_000 },
        );

        // Kill 1: the second worker takes the stalled jobs over and sends again; the receiver holds again.
        expect(stack.receiver.requests).toHaveLength(POSTBACKS);
        const firstKillAt = await stack.kill9(first);
        stack.resume(second);
        await eventually(
          'every delivery in flight again, at the second worker',
          () =>
            Promise.resolve(
              stack.receiver.open().filter((r) => r.receivedAt >= firstKillAt).length === POSTBACKS,
            ),
          { timeoutMs: 60_000, intervalMs: 50 },
        );
        const firstRecoveryMs = Math.max(...stack.receiver.open().map((r) => r.receivedAt - firstKillAt));
        report(SCENARIO, `kill 1 recovered: last redelivery ${firstRecoveryMs} ms after it`);

        // Kill 2, of the same in-flight work.
        expect(stack.receiver.requests).toHaveLength(2 * POSTBACKS);
        stack.receiver.answer(() => ({ status: 200 }));
        const secondKillAt = await stack.kill9(second);
        stack.resume(third);
        await eventually(
          'every postback delivered after the second kill',
          () => Promise.resolve(clicks.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: 60_000, intervalMs: 50 },
        );
        const secondRecoveryMs = stack.receiver.redeliveredWithinMs(clicks, secondKillAt);
        const tally = stack.receiver.tally(clicks);
        const boundMs = FORMULA_MS + schedulingSlackMs();
        report(
          SCENARIO,
          `kill 2 recovered: last redelivery ${secondRecoveryMs} ms after it (bound ${FORMULA_MS} ms + slack = ${boundMs} ms); ` +
            describeTally(tally),
        );

        expect({ tally: describeTally(tally), lost: tally.lost.length }).toMatchObject({ lost: 0 });
        // Every delivery was in flight at both kills: one aborted request per kill, then one delivered.
        const wrongCounts = clicks.filter((cid) => stack.receiver.of(cid).length !== 3);
        expect({ tally: describeTally(tally), wrongCounts }).toMatchObject({ wrongCounts: [] });
        expect(tally.keyMismatches).toEqual([]);
        expect(firstRecoveryMs).toBeLessThanOrEqual(boundMs);
        expect(secondRecoveryMs).toBeLessThanOrEqual(boundMs);

        const db = await stack.db();
        expect(await db.collection('conversions').countDocuments({})).toBe(POSTBACKS);
        await stack.allDeliveredInMongo(POSTBACKS);
        expect(third.killedAt).toBeUndefined();
        report(SCENARIO, `done in ${since(started)}`);
      }, LIMIT_MS),
    LIMIT_MS + 10_000,
  );
});
