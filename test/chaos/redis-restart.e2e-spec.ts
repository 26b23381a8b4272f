import { Redis } from 'ioredis';
import { eventually } from '../support/config';
import { type RedisInstance, startRedisInstance } from '../support/redis-instance';
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
 * Chaos 5 — Redis restarts (SIGTERM, then the same port, AOF on) in the middle of a stream of postbacks.
 *
 * The intake answers 200 once MongoDB has the postback, whatever Redis does: an enqueue that Redis
 * cannot take within 1 s is left to the sweeper. AOF brings the queues back, the processes reconnect
 * on their own and `/health/ready` turns 200 again. Work whose job was lost in the restart window is
 * swept within SWEEPER_GRACE + SWEEPER_INTERVAL (2 s + 1 s here, 60 s with production defaults).
 *
 * Runs on a redis-server of its own (AOF in a temp dir): the harness Redis is shared with other suites.
 * Time limit: 60 s once the processes are up (their boot has its own timeout, BOOT_TIMEOUT_MS).
 */
const SCENARIO = 'Redis restart (AOF)';
const LIMIT_MS = 60_000;
const POSTBACKS = 200;
const RESTART_AFTER = 60;

/** What the restart in the middle of the stream saw. */
interface RestartReport {
  exit: { code: number | null; signal: NodeJS.Signals | null };
  /** The gateway's `/health/ready` status while Redis was down. */
  readinessWhileDown: number;
  downAt: number;
  upAt: number;
  /** From Redis accepting connections to gateway and worker both ready. */
  readyAfterMs: number;
}

describe('chaos: Redis restart with AOF mid-load', () => {
  let redis: RedisInstance;
  let stack: ChaosStack;
  let client: Redis | undefined;
  let gateway: AppProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    redis = await startRedisInstance({ appendOnly: true });
    stack = await ChaosStack.create('chaos-redis-restart', { redisUrl: redis.url });
    [gateway, worker] = await stack.boot(['gateway', 'worker'], SCENARIO);
  }, BOOT_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    client?.disconnect();
    await stack?.close();
    await redis?.destroy();
  });

  it(
    `loses nothing, and the processes reconnect and report ready again; limit ${LIMIT_MS / 1000} s`,
    () =>
      stack.guard(async () => {
        const started = Date.now();
        const campaign = await stack.campaign();
        const clicks = await stack.clicks(campaign, POSTBACKS, 'rr');
        client = new Redis(redis.url, { maxRetriesPerRequest: null });
        client.on('error', () => undefined);
        // A marker that only AOF can bring back.
        await client.set('chaos:aof-marker', 'kept');

        // A partner that takes a moment, so deliveries are in flight when Redis goes away.
        stack.receiver.answer(() => ({ status: 200, delayMs: 100 }));
        let answered = 0;
        let restart: Promise<RestartReport> | undefined;
        const results: PostbackResult[] = await stack.postbacks(campaign, clicks, {
          connections: 6,
          paceMs: 100,
          onResult: () => {
            answered += 1;
            if (answered === RESTART_AFTER) {
              restart = (async () => {
                const downAt = Date.now();
                const exit = await redis.stop('SIGTERM');
                const readinessWhileDown = await stack.readiness(gateway);
                await redis.start();
                const upAt = Date.now();
                const readyAfterMs = await eventually(
                  'gateway and worker ready again',
                  async () =>
                    (await stack.readiness(gateway)) === 200 && (await stack.readiness(worker)) === 200,
                  { timeoutMs: 15_000, intervalMs: 100 },
                );
                return { exit, readinessWhileDown, downAt, upAt, readyAfterMs };
              })();
            }
          },
        });
        const { exit, readinessWhileDown, downAt, upAt, readyAfterMs } = await restart!;
        const duringOutage = results.filter((r) => r.startedAt >= downAt && r.startedAt < upAt);
        const afterOutage = results.filter((r) => r.startedAt >= upAt);
        report(
          SCENARIO,
          `Redis down for ${upAt - downAt} ms (gateway readiness ${readinessWhileDown} meanwhile), restarted on ` +
            `port ${redis.port} with its AOF; ${duringOutage.length} postbacks sent while it was down ` +
            `(slowest answer ${Math.max(0, ...duringOutage.map((r) => r.ms))} ms), ${afterOutage.length} after`,
        );
        expect(exit.code).toBe(0); // a clean shutdown: the AOF is complete
        expect(readinessWhileDown).toBe(503);
        expect(duringOutage.length + afterOutage.length).toBeGreaterThan(0); // the restart landed mid-load
        expect(await client.get('chaos:aof-marker')).toBe('kept');

        // Every postback was stored and answered 200, Redis or not.
        const refused = results.filter((r) => r.status !== 200);
        expect(refused).toEqual([]);

        report(SCENARIO, `gateway and worker ready again ${readyAfterMs} ms after Redis came back`);

        await eventually(
          'every postback forwarded',
          () => Promise.resolve(clicks.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: 60_000, intervalMs: 100 },
        ).catch((error: Error) => {
          throw new Error(`${error.message}; ${describeTally(stack.receiver.tally(clicks))}`);
        });
        const tally = stack.receiver.tally(clicks);
        report(
          SCENARIO,
          `every postback forwarded ${Date.now() - upAt} ms after Redis came back; ${describeTally(tally)}`,
        );
        if (tally.deliveredTwice.length > 0) {
          const seen = tally.deliveredTwice
            .flatMap((cid) => stack.receiver.of(cid))
            .map((r) => `${r.cid} received ${new Date(r.receivedAt).toISOString()} key ${r.idempotencyKey}`);
          report(
            SCENARIO,
            `delivered twice (Redis down ${new Date(downAt).toISOString()} → up ${new Date(upAt).toISOString()}):\n` +
              `${seen.join('\n')}\n${await stack.attemptLog(tally.deliveredTwice)}\n` +
              `worker warnings:\n${warnings(worker.proc.output())}`,
          );
        }
        expect({ tally: describeTally(tally), lost: tally.lost.length }).toMatchObject({ lost: 0 });
        // At least once: a repeat would have to carry the same key (no process died, so none is expected).
        expect(tally.keyMismatches).toEqual([]);
        const db = await stack.db();
        expect(await db.collection('conversions').countDocuments({})).toBe(POSTBACKS);
        report(SCENARIO, `done in ${since(started)}`);
      }, LIMIT_MS),
    LIMIT_MS + 10_000,
  );
});

/** The warn and error lines of a pino log (level ≥ 40), at most 30. */
function warnings(output: string): string {
  return output
    .split('\n')
    .filter((line) => /"level":(40|50|60)/.test(line))
    .slice(-30)
    .join('\n');
}
