import { ObjectId } from 'mongodb';
import { eventually } from '../support/config';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { HARNESS_ENV } from '../support/suite';
import { describeTally } from './chaos-receiver';
import {
  type AppProcess,
  BOOT_TIMEOUT_MS,
  ChaosStack,
  type PostbackResult,
  report,
  since,
} from './chaos.fixture';

/**
 * Chaos 6 — MongoDB frozen: a TCP proxy between the processes and the harness MongoDB stops forwarding
 * bytes without closing anything (a stalled primary, a partition), then forwards what it held.
 *
 * - Every postback is answered within DB_TIMEOUT + 1 s (2 s + 1 s here; 5 s + 1 s with production
 *   defaults): 503 STORE_UNAVAILABLE with Retry-After when the write did not complete, never a hang.
 * - No 200 without the postback in MongoDB (checked directly, not through the proxy).
 * - `/health/ready` pings MongoDB with a 1.5 s budget: 503 within 5 s of the freeze, 200 after the thaw.
 * - A write answered 503 but applied by MongoDB after the thaw leaves a stored postback; the
 *   advertiser's retry of it (same txid) must not make a second conversion or a second forward.
 *
 * Works with any MongoDB the harness provides (stand-in, container, MONGO_URL). Time limit: 60 s once
 * the processes are up (their boot has its own timeout, BOOT_TIMEOUT_MS).
 */
const SCENARIO = 'MongoDB frozen';
const LIMIT_MS = 60_000;
const DB_TIMEOUT_MS = 2_000;
const FROZEN_POSTBACKS = 20;

/** The harness MongoDB's host and port (a standalone server: the proxy forwards one address). */
function harnessMongoAddress(): { host: string; port: number } {
  const url = process.env[HARNESS_ENV.mongoUrl] ?? '';
  const match = /^mongodb:\/\/(?:[^@/]*@)?([^/,?:]+):(\d+)/.exec(url);
  if (!match) throw new Error(`the MongoDB freeze needs a single-host mongodb:// URL, got ${url}`);
  return { host: match[1], port: Number(match[2]) };
}

describe('chaos: MongoDB frozen behind a TCP proxy', () => {
  let proxy: TcpProxy;
  let stack: ChaosStack;
  let gateway: AppProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    proxy = await startTcpProxy(harnessMongoAddress());
    stack = await ChaosStack.create('chaos-mongo-freeze', {
      env: { DB_TIMEOUT: `${DB_TIMEOUT_MS / 1000}s` },
      // directConnection: the driver must not discover the server's own address and bypass the proxy.
      processMongoUrl: (url) => {
        const proxied = proxy.rewrite(url);
        return `${proxied}${proxied.includes('?') ? '&' : '?'}directConnection=true`;
      },
    });
    [gateway, worker] = await stack.boot(['gateway', 'worker'], SCENARIO);
  }, BOOT_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    proxy?.thaw();
    await stack?.close();
    await proxy?.close();
  });

  it(
    `answers within DB_TIMEOUT + 1 s, 503 + Retry-After for what is not stored, no double conversion after the thaw; limit ${LIMIT_MS / 1000} s`,
    () =>
      stack.guard(async () => {
        const started = Date.now();
        const campaign = await stack.campaign();
        const [warm] = await stack.clicks(campaign, 1, 'mf-warm');
        const clicks = await stack.clicks(campaign, FROZEN_POSTBACKS, 'mf');
        const db = await stack.db();
        const postbacks = db.collection('postbacks');

        // One postback through, so the advertiser is in the gateway's lookup cache (5 s): the frozen
        // postbacks then reach their insert, which is what can be applied late.
        const [warmResult] = await stack.postbacks(campaign, [warm], { connections: 1 });
        expect(warmResult.status).toBe(200);

        const frozenAt = Date.now();
        proxy.freeze();
        const readinessDown = eventually(
          'gateway readiness 503 after the freeze',
          async () => (await stack.readiness(gateway)) === 503,
          { timeoutMs: 5_000, intervalMs: 100 },
        ).then(() => Date.now() - frozenAt);
        const frozen = await stack.postbacks(campaign, clicks, { connections: FROZEN_POSTBACKS });
        const readyDownAfterMs = await readinessDown;
        const workerReadiness = await stack.readiness(worker);
        report(
          SCENARIO,
          `frozen: ${describeAnswers(frozen)}; slowest answer ${Math.max(...frozen.map((r) => r.ms))} ms; ` +
            `gateway readiness 503 after ${readyDownAfterMs} ms, worker readiness ${workerReadiness}`,
        );

        // Each answered within budget + 1 s; a non-200 is a 503 STORE_UNAVAILABLE with Retry-After.
        const slow = frozen.filter((r) => r.ms > DB_TIMEOUT_MS + 1_000);
        expect({ answers: describeAnswers(frozen), slow }).toMatchObject({ slow: [] });
        const badRefusals = frozen.filter(
          (r) => r.status !== 200 && (r.status !== 503 || r.code !== 'STORE_UNAVAILABLE' || !r.retryAfter),
        );
        expect(badRefusals).toEqual([]);
        expect(readyDownAfterMs).toBeLessThanOrEqual(5_000);
        expect(workerReadiness).toBe(503);

        const thawedAt = Date.now();
        proxy.thaw();
        const readyAgainIn = await eventually(
          'gateway and worker ready after the thaw',
          async () => (await stack.readiness(gateway)) === 200 && (await stack.readiness(worker)) === 200,
          { timeoutMs: 15_000, intervalMs: 100 },
        );
        report(
          SCENARIO,
          `ready again ${readyAgainIn} ms after the thaw (frozen for ${thawedAt - frozenAt} ms)`,
        );

        // No 200 without its postback in MongoDB (read directly, not through the proxy).
        const oks = [warmResult, ...frozen].filter((r) => r.status === 200);
        const missing: string[] = [];
        for (const ok of oks) {
          if (!ok.postbackId || !(await postbacks.findOne({ _id: new ObjectId(ok.postbackId) }))) {
            missing.push(`${ok.clickId} → ${ok.postbackId}`);
          }
        }
        expect(missing).toEqual([]);

        // A refused postback whose insert MongoDB applied after the thaw.
        const refused = frozen.filter((r) => r.status === 503);
        const refusedTxids = refused.map((r) => r.txid);
        const lateWrites = async (): Promise<string[]> =>
          (await postbacks.find({ 'normalized.txid': { $in: refusedTxids } }).toArray()).map(
            (doc) => (doc.normalized as { txid: string }).txid,
          );
        await eventually(
          'a refused postback applied by MongoDB after the thaw',
          async () => (await lateWrites()).length > 0,
          {
            timeoutMs: 10_000,
            intervalMs: 100,
          },
        ).catch((error: Error) => {
          throw new Error(
            `${error.message}: ${refused.length} postbacks were refused during the freeze and none of their ` +
              'inserts reached MongoDB afterwards, so the late-write case cannot be checked',
          );
        });
        const late = new Set(await lateWrites());

        // The advertiser retries every refused postback, same txid, as Retry-After asks.
        const retried = await stack.postbacks(
          campaign,
          refused.map((r) => r.clickId),
          { connections: 5 },
        );
        expect(retried.filter((r) => r.status !== 200)).toEqual([]);
        const all = [warm, ...clicks];
        await eventually(
          'every click forwarded',
          () => Promise.resolve(all.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: 30_000, intervalMs: 100 },
        ).catch((error: Error) => {
          throw new Error(`${error.message}; ${describeTally(stack.receiver.tally(all))}`);
        });
        // Let attribution of every stored postback finish before counting conversions.
        await eventually(
          'every stored postback attributed or recognised as a duplicate',
          async () => (await postbacks.countDocuments({ outcome: 'accepted' })) === 0,
          { timeoutMs: 30_000, intervalMs: 200 },
        );

        const tally = stack.receiver.tally(all);
        const conversions = db.collection('conversions');
        const doubleConversions: string[] = [];
        for (const result of [warmResult, ...frozen]) {
          const n = await conversions.countDocuments({ txid: result.txid });
          if (n !== 1) doubleConversions.push(`${result.txid}: ${n} conversions`);
        }
        const lateTwice = [...late].filter((txid) => {
          const cid = frozen.find((r) => r.txid === txid)!.clickId;
          return stack.receiver.of(cid).length !== 1;
        });
        report(
          SCENARIO,
          `${late.size} of ${refused.length} refused postbacks were stored late; after the retries ` +
            describeTally(tally),
        );
        expect({
          tally: describeTally(tally),
          lost: tally.lost.length,
          duplicated: tally.duplicates.size,
        }).toMatchObject({
          lost: 0,
          duplicated: 0,
        });
        expect(doubleConversions).toEqual([]);
        expect(lateTwice).toEqual([]);
        // Each late-stored txid has two stored postbacks (the late one and the retry) and one conversion.
        for (const txid of late) {
          expect(await postbacks.countDocuments({ 'normalized.txid': txid })).toBe(2);
        }
        report(SCENARIO, `done in ${since(started)}`);
      }, LIMIT_MS),
    LIMIT_MS + 10_000,
  );
});

function describeAnswers(results: PostbackResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) {
    const key = r.status === 0 ? `no answer (${r.error})` : `${r.status}${r.code ? ` ${r.code}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].map(([key, n]) => `${n}× ${key}`).join(', ');
}
