import { ObjectId } from 'mongodb';
import { requireCompiledBuild } from '../support/compiled-processes';
import { eventually } from '../support/config';
import { describeTally } from './chaos-receiver';
import {
  type AppProcess,
  BOOT_TIMEOUT_MS,
  CHAOS_TIMINGS,
  ChaosStack,
  type PostbackResult,
  report,
  since,
} from './chaos.fixture';

/**
 * Chaos 3 — kill -9 of the gateway in the middle of a burst, on the COMPILED build (`dist/`, as
 * `npm run start:gateway` / `start:worker` run it; CI builds before `npm test`).
 *
 * A 200 is sent only after the postback is journaled in MongoDB, so every 200 must be forwarded. The
 * attribution job is added after the write: a gateway killed between the two leaves an `accepted`
 * postback without a job, which the sweeper enqueues once it is SWEEPER_GRACE overdue, within one
 * SWEEPER_INTERVAL — 2 s + 1 s here, 30 s + 30 s = 60 s with production defaults. The advertiser then
 * retries what got no answer (same txid) on the restarted gateway; attribution dedups the retries of
 * postbacks that were stored before the kill, so every click is forwarded exactly once.
 *
 * Time limit: 90 s once the processes are up (their boot has its own timeout, BOOT_TIMEOUT_MS); it
 * includes the compiled gateway's restart.
 */
const SCENARIO = 'gateway kill -9 mid-burst';
const LIMIT_MS = 90_000;
const POSTBACKS = 300;
const CONNECTIONS = 10;
const KILL_AFTER_ACCEPTED = 100;
/** Forwarding of the accepted postbacks after the kill: the sweeper bound plus the worker's backlog. */
const FORWARD_BOUND_MS = CHAOS_TIMINGS.SWEEPER_GRACE + CHAOS_TIMINGS.SWEEPER_INTERVAL + 30_000;

describe('chaos: kill -9 of the gateway mid-burst (compiled dist/ build)', () => {
  let stack: ChaosStack;
  let gateway: AppProcess;

  beforeAll(async () => {
    stack = await ChaosStack.create('chaos-gateway-kill', { compiled: true });
    // This suite runs the build on purpose: without it, it fails here, saying to run `npm run build`.
    requireCompiledBuild();
    [gateway] = await stack.boot(['gateway', 'worker'], SCENARIO);
  }, BOOT_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    await stack?.close();
  });

  it(
    `forwards every postback that got a 200 before the kill, and each retried one exactly once; limit ${LIMIT_MS / 1000} s`,
    () =>
      stack.guard(async () => {
        const started = Date.now();
        const campaign = await stack.campaign();
        const clicks = await stack.clicks(campaign, POSTBACKS, 'gk');

        let accepted = 0;
        let killing: Promise<number> | undefined;
        const results = await stack.postbacks(campaign, clicks, {
          connections: CONNECTIONS,
          onResult: (result) => {
            if (result.status === 200) accepted += 1;
            if (accepted === KILL_AFTER_ACCEPTED && !killing) killing = stack.kill9(gateway);
          },
        });
        const killedAt = await killing!;
        const ok = results.filter((r) => r.status === 200);
        const unanswered = results.filter((r) => r.status !== 200);
        report(
          SCENARIO,
          `${ok.length} answered 200, ${unanswered.length} without a 200 ` +
            `(${summarizeFailures(unanswered)}) around the kill`,
        );
        // The kill landed mid-burst: some got their 200, the rest found no gateway.
        expect(ok.length).toBeGreaterThanOrEqual(KILL_AFTER_ACCEPTED);
        expect(unanswered.length).toBeGreaterThan(0);
        expect(unanswered.filter((r) => r.status !== 0)).toEqual([]);

        // Every 200 names a postback stored in MongoDB …
        const db = await stack.db();
        const stored = await db
          .collection('postbacks')
          .countDocuments({ _id: { $in: ok.map((r) => new ObjectId(r.postbackId)) } });
        expect(stored).toBe(ok.length);
        // … and is forwarded, the gateway still dead.
        const acceptedCids = ok.map((r) => r.clickId);
        const forwardedIn = await eventually(
          'every postback that got a 200 forwarded',
          () => Promise.resolve(acceptedCids.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: FORWARD_BOUND_MS, intervalMs: 100 },
        ).catch((error: Error) => {
          throw new Error(`${error.message}; ${describeTally(stack.receiver.tally(acceptedCids))}`);
        });
        report(
          SCENARIO,
          `every 200 forwarded ${Date.now() - killedAt} ms after the kill (waited ${forwardedIn} ms)`,
        );
        const acceptedTally = stack.receiver.tally(acceptedCids);
        expect({ tally: describeTally(acceptedTally), lost: acceptedTally.lost.length }).toMatchObject({
          lost: 0,
        });

        // Some of those without an answer were stored all the same (killed between the write and the 200).
        const storedUnanswered = await db
          .collection('postbacks')
          .countDocuments({ 'normalized.txid': { $in: unanswered.map((r) => r.txid) } });
        report(
          SCENARIO,
          `${storedUnanswered} of the ${unanswered.length} postbacks without a 200 were stored`,
        );

        // The advertiser retries what got no answer, on the restarted gateway (same click, same txid).
        const restartAt = Date.now();
        await stack.start('gateway');
        report(SCENARIO, `gateway restarted in ${since(restartAt)}`);
        const retried = await stack.postbacks(
          campaign,
          unanswered.map((r) => r.clickId),
          { connections: CONNECTIONS },
        );
        expect(retried.filter((r) => r.status !== 200)).toEqual([]);
        await eventually(
          'every click forwarded after the retries',
          () => Promise.resolve(clicks.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: 30_000, intervalMs: 100 },
        ).catch((error: Error) => {
          throw new Error(`${error.message}; ${describeTally(stack.receiver.tally(clicks))}`);
        });
        const tally = stack.receiver.tally(clicks);
        report(SCENARIO, describeTally(tally));
        expect({
          tally: describeTally(tally),
          lost: tally.lost.length,
          duplicated: tally.duplicates.size,
        }).toMatchObject({
          lost: 0,
          duplicated: 0,
        });
        // One conversion per click, although some clicks have two stored postbacks (the retry of one stored before the kill).
        expect(await db.collection('conversions').countDocuments({})).toBe(POSTBACKS);
        report(SCENARIO, `done in ${since(started)}`);
      }, LIMIT_MS),
    LIMIT_MS + 10_000,
  );
});

function summarizeFailures(results: PostbackResult[]): string {
  const counts = new Map<string, number>();
  for (const result of results) {
    const key = result.status === 0 ? (result.error ?? 'error').slice(0, 80) : `HTTP ${result.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].map(([key, n]) => `${n}× ${key}`).join(', ') || 'none';
}
