import { Redis } from 'ioredis';
import { eventually } from '../support/config';
import { describeTally } from './chaos-receiver';
import { BOOT_TIMEOUT_MS, ChaosStack, report, schedulingSlackMs, since } from './chaos.fixture';

/**
 * Chaos 7 — the partner endpoint refuses connections (its server is down), then comes back on the same
 * port. Failures schedule retries; after BREAKER_FAILURES in a row the circuit opens and attempts are
 * held (no attempt used) until the open period ends, when one half-open probe decides; a failed probe
 * opens it again for twice as long, up to BREAKER_OPEN_MAX. The outage here lasts until the breaker
 * has cycled (a probe failed and it re-opened), as in any real outage longer than BREAKER_OPEN.
 *
 * Tunings: RETRY_SCHEDULE 1s,2s,3s then 5 s steps (longer than the outage, so nothing dies),
 * BREAKER_FAILURES 5, BREAKER_OPEN 2 s doubling to BREAKER_OPEN_MAX 8 s.
 *
 * Two bounds on the drain after the partner is back:
 * - the brief's: within 60 s;
 * - the tunings': every delivery waits at most for its next scheduled retry (≤ 5 s here) and for the
 *   breaker's open period (≤ BREAKER_OPEN_MAX = 8 s here), so the backlog drains within
 *   BREAKER_OPEN_MAX + the longest retry step (+ slack) = 16 s here. With production defaults
 *   (RETRY_SCHEDULE 10s,1m,5m,30m…, BREAKER_OPEN 30 s doubling to BREAKER_OPEN_MAX 10 min) the same
 *   formula gives minutes, set by how far the schedule got during the outage.
 *
 * Time limit: 150 s once the processes are up (their boot has its own timeout, BOOT_TIMEOUT_MS): the
 * outage lasts until the breaker has cycled, and a drain is waited for up to 90 s to report its time.
 */
const SCENARIO = 'receiver refusing connections';
const LIMIT_MS = 150_000;
const POSTBACKS = 40;
const BREAKER_OPEN_MAX_MS = 8_000;
const LONGEST_RETRY_STEP_MS = 5_000;
const BRIEF_BOUND_MS = 60_000;
const TUNING_FORMULA_MS = BREAKER_OPEN_MAX_MS + LONGEST_RETRY_STEP_MS;

describe('chaos: the partner refuses connections, then comes back on the same port', () => {
  let stack: ChaosStack;
  let redis: Redis | undefined;

  beforeAll(async () => {
    stack = await ChaosStack.create('chaos-receiver-outage', {
      env: {
        RETRY_SCHEDULE: '1s,2s,3s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s',
        BREAKER_FAILURES: '5',
        BREAKER_OPEN: '2s',
        BREAKER_OPEN_MAX: `${BREAKER_OPEN_MAX_MS / 1000}s`,
      },
    });
    await stack.boot(['gateway', 'worker'], SCENARIO);
  }, BOOT_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  it(
    `drains the backlog within ${BRIEF_BOUND_MS / 1000} s of the partner's return, and within BREAKER_OPEN_MAX + the longest retry step (${TUNING_FORMULA_MS / 1000} s + slack), each postback forwarded once; limit ${LIMIT_MS / 1000} s`,
    () =>
      stack.guard(async () => {
        const started = Date.now();
        const campaign = await stack.campaign();
        const clicks = await stack.clicks(campaign, POSTBACKS, 'ro');
        const db = await stack.db();
        const deliveries = db.collection('deliveries');
        const attempts = db.collection('delivery_attempts');
        redis = new Redis(stack.ctx.redisUrl);
        const breakerKey = `${stack.ctx.queuePrefix}:endpoint:${campaign.endpointId}:breaker`;

        const downAt = Date.now();
        await stack.receiver.refuse();
        const results = await stack.postbacks(campaign, clicks, { connections: 8 });
        expect(results.filter((r) => r.status !== 200)).toEqual([]);

        // The outage lasts until every delivery exists and the breaker has cycled: tripped, probed,
        // failed the probe and re-opened (its `trips` counts the trips in a row).
        await eventually(
          'every delivery created and the breaker re-opened after a failed probe',
          async () =>
            (await deliveries.countDocuments({})) === POSTBACKS &&
            Number(await redis!.hget(breakerKey, 'trips')) >= 2,
          { timeoutMs: 60_000, intervalMs: 100 },
        );
        const breaker = await redis.hgetall(breakerKey);
        const backlog = {
          failed: await deliveries.countDocuments({ state: 'failed' }),
          pending: await deliveries.countDocuments({ state: 'pending' }),
          attempts: await attempts.countDocuments({}),
        };
        expect(await deliveries.countDocuments({ state: { $in: ['delivered', 'dead'] } })).toBe(0);

        await stack.receiver.accept();
        const backAt = Date.now();
        report(
          SCENARIO,
          `partner back on port ${stack.receiver.port} after ${backAt - downAt} ms; backlog ${backlog.failed} ` +
            `failed, ${backlog.pending} pending, ${backlog.attempts} attempts so far; breaker ${JSON.stringify(breaker)} ` +
            `(openUntil ${Number(breaker.openUntil) - backAt} ms from now)`,
        );

        const drainedIn = await eventually(
          'the backlog drained',
          () => Promise.resolve(clicks.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: BRIEF_BOUND_MS + 30_000, intervalMs: 100 },
        ).catch(async (error: Error) => {
          const states = await deliveries
            .aggregate([{ $group: { _id: '$state', n: { $sum: 1 }, next: { $max: '$nextAttemptAt' } } }])
            .toArray();
          throw new Error(
            `${error.message}; ${describeTally(stack.receiver.tally(clicks))}; deliveries ${JSON.stringify(states)}`,
          );
        });
        const tally = stack.receiver.tally(clicks);
        const arrivals = stack.receiver.requests.map((r) => r.receivedAt - backAt).sort((a, b) => a - b);
        const tuningBoundMs = TUNING_FORMULA_MS + schedulingSlackMs();
        const late = arrivals.filter((ms) => ms > tuningBoundMs).length;
        report(
          SCENARIO,
          `backlog drained ${drainedIn} ms after the partner came back (bounds ${BRIEF_BOUND_MS} ms, ` +
            `${TUNING_FORMULA_MS} ms + slack = ${tuningBoundMs} ms); arrivals after return: first ${arrivals[0]} ms, median ` +
            `${arrivals[arrivals.length >> 1]} ms, last ${arrivals[arrivals.length - 1]} ms, ${late} later than ` +
            `${tuningBoundMs} ms; ${describeTally(tally)}`,
        );
        expect({
          tally: describeTally(tally),
          lost: tally.lost.length,
          duplicated: tally.duplicates.size,
        }).toMatchObject({ lost: 0, duplicated: 0 });
        await stack.allDeliveredInMongo(POSTBACKS);
        expect({
          drainedInMs: drainedIn,
          drainedWithin60s: drainedIn <= BRIEF_BOUND_MS,
          arrivalsAfterReturnMs: arrivals,
          laterThanTuningBound: late,
        }).toMatchObject({ drainedWithin60s: true, laterThanTuningBound: 0 });
        report(SCENARIO, `done in ${since(started)}`);
      }, LIMIT_MS),
    LIMIT_MS + 10_000,
  );
});
