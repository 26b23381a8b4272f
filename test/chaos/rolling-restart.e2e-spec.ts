import { eventually } from '../support/config';
import { describeTally, type SeenRequest } from './chaos-receiver';
import {
  type AppProcess,
  BOOT_TIMEOUT_MS,
  ChaosStack,
  PacedLoad,
  QueueEventsWatch,
  report,
  schedulingSlackMs,
  since,
} from './chaos.fixture';

/**
 * Chaos 8 — a rolling restart under load: every process stopped with SIGTERM, one at a time, while
 * advertisers keep sending postbacks and the partner answers slowly, so requests are in flight at every
 * stop.
 *
 * One MongoDB, one Redis, two gateways and two workers (separate processes). Paced postbacks (40 a
 * second, each for a click registered up front with a unique ext click id) go to whichever gateways are
 * up; one answered anything but 200 is retried with the same txid on the other gateway, as an
 * advertiser retries. The receiver answers every forward after 200–400 ms. Then, one at a time:
 * SIGTERM worker A, wait for its exit, start A' and wait until it is ready; the same for worker B, then
 * for each gateway (the other one takes the traffic meanwhile).
 *
 * SIGTERM is a graceful stop: a worker takes no new job, lets the ones it runs finish (their forwards
 * included) within SHUTDOWN_TIMEOUT, then closes its connections; a gateway answers the requests it is
 * handling, turns new ones away (503, or a refused connection once closed), then closes. So:
 *
 * - every process exits 0 within SHUTDOWN_TIMEOUT + slack, and no forward in flight at its SIGTERM is
 *   cut off (the receiver answers each one, to a client still there);
 * - every postback answered 200 is forwarded, and no forward is sent twice: BullMQ never reports a
 *   job `stalled` (taken back from a worker that left it active — what repeats a forward after a
 *   kill -9) or `failed`;
 * - a gateway never drops a request it has taken in: each click has exactly one stored postback (a
 *   request cut off after its write would leave a second one when the advertiser retries it);
 * - MongoDB is settled (one conversion and one `delivered` delivery per accepted postback, none
 *   `pending` or `failed`, no postback still `accepted`) and Redis holds no job.
 *
 * Timings are the fixture's chaos timings, except JOB_LOCK, at its production default (20 s): nothing
 * is killed here, so BullMQ's stalled-job takeover must never fire, and with a 5 s lock a worker starved
 * of CPU for 5 s on the shared 2-core box loses its jobs to the other worker ("Lock mismatch" in its
 * log, the forward repeated) — a crash-recovery repeat the kill -9 suites cover, not a drain failure.
 * A worker that left a job active at its exit would still show: `stalled` within JOB_LOCK +
 * STALLED_INTERVAL (22 s), well inside the scenario, or the job still active at the end.
 *
 * Time limit: 120 s of scenario time once the first processes are up (their boot has its own timeout,
 * BOOT_TIMEOUT_MS). Boot is not counted for the four replacements either (ts-node takes tens of seconds
 * on a loaded 2-core box): each has REPLACEMENT_BOOT_MS, and the load runs on while they boot.
 */
const SCENARIO = 'rolling restart';
const LIMIT_MS = 120_000;
const RATE_PER_SECOND = 40;
/** The load runs at least this long, and on for TAIL_MS after the last replacement is ready. */
const MIN_LOAD_MS = 25_000;
const TAIL_MS = 3_000;
/** The fixture's SHUTDOWN_TIMEOUT (5 s; 20 s by default in production). */
const SHUTDOWN_TIMEOUT_MS = 5_000;
/** Boot of one replacement (ts-node, while the load runs): not part of the scenario's time limit. */
const REPLACEMENT_BOOT_MS = 90_000;
const REPLACEMENTS = 4;
/** The guard's deadline: the scenario's limit plus the boot of the replacements. */
const DEADLINE_MS = LIMIT_MS + REPLACEMENTS * REPLACEMENT_BOOT_MS;
/** Production default: see above. */
const JOB_LOCK = '20s';
/** The partner answers each forward after 200–400 ms, spread evenly. */
const replyDelayMs = (request: SeenRequest): number => 200 + ((request.seq * 73) % 201);

describe('chaos: rolling restart (SIGTERM) of workers and gateways under load', () => {
  let stack: ChaosStack;
  let gateways: AppProcess[];
  let workers: AppProcess[];
  let load: PacedLoad | undefined;
  let watch: QueueEventsWatch | undefined;

  beforeAll(async () => {
    stack = await ChaosStack.create('chaos-rolling-restart', { env: { JOB_LOCK } });
    const apps = await stack.boot(['gateway', 'gateway', 'worker', 'worker'], SCENARIO);
    gateways = apps.slice(0, 2);
    workers = apps.slice(2);
  }, BOOT_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    await load?.abort();
    await watch?.close();
    await stack?.close();
  });

  it(
    `loses no accepted postback and sends no forward twice while every process is restarted in turn; limit ${LIMIT_MS / 1000} s (boot not counted)`,
    () =>
      stack.guard(async () => {
        const started = Date.now();
        let bootMs = 0;
        const campaign = await stack.campaign();
        stack.receiver.answer((request) => ({ status: 200, delayMs: replyDelayMs(request) }));
        const events = await QueueEventsWatch.start(stack);
        watch = events;

        const traffic = new PacedLoad(stack, campaign, { ratePerSecond: RATE_PER_SECOND, label: 'rr' });
        load = traffic;
        for (const gateway of gateways) traffic.addTarget(gateway);
        await traffic.start();
        const loadStarted = Date.now();

        const openAtReceiver = (): SeenRequest[] =>
          stack.receiver.requests.filter((r) => r.answeredAt === undefined && !r.aborted);

        /** SIGTERM `old` with forwards in flight, wait for its exit, start its replacement. */
        const restart = async (old: AppProcess): Promise<AppProcess> => {
          await eventually(
            `forwards in flight at the receiver before ${old.name}'s SIGTERM`,
            () => Promise.resolve(openAtReceiver().length > 0),
            { timeoutMs: 30_000, intervalMs: 20 },
          );
          const slackMs = schedulingSlackMs();
          const openAtSignal = openAtReceiver();
          const exiting = stack.terminate(old);
          const readiness = watchReadiness(stack, old);
          const exit = await exiting;
          if (old.kind === 'gateway') traffic.removeTarget(old);
          const bootedAt = Date.now();
          const fresh = await stack.spawn(old.kind);
          await stack.waitReady(fresh, REPLACEMENT_BOOT_MS);
          bootMs += Date.now() - bootedAt;
          if (fresh.kind === 'gateway') traffic.addTarget(fresh);

          const cutOff = openAtSignal.filter((r) => r.aborted).map((r) => r.cid);
          const turnedAway = traffic.postbacks
            .flatMap((p) => p.tries)
            .filter(
              (t) => t.gateway === old.name && t.status !== 200 && t.startedAt + t.ms >= exit.signalledAt,
            );
          report(
            SCENARIO,
            `${old.name}: SIGTERM with ${openAtSignal.length} forwards in flight at the receiver → exit ` +
              `${exit.code ?? exit.signal} in ${exit.ms} ms (bound SHUTDOWN_TIMEOUT ${SHUTDOWN_TIMEOUT_MS} ms + ` +
              `slack ${slackMs} ms), ${cutOff.length} of them cut off; readiness after the SIGTERM: ` +
              `${await readiness}; ${fresh.name} ready in ${since(bootedAt)}` +
              (old.kind === 'gateway' ? `; postbacks it turned away: ${turnedAway.length} (retried)` : ''),
          );
          expect({ process: old.name, code: exit.code, signal: exit.signal }).toEqual({
            process: old.name,
            code: 0,
            signal: null,
          });
          expect(exit.ms).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_MS + slackMs);
          expect({ process: old.name, cutOff }).toEqual({ process: old.name, cutOff: [] });
          return fresh;
        };

        for (const group of [workers, gateways]) {
          for (let i = 0; i < group.length; i += 1) group[i] = await restart(group[i]);
        }
        const restartsDone = Date.now() - bootMs;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(TAIL_MS, loadStarted + MIN_LOAD_MS - Date.now())),
        );
        await traffic.stop();

        const accepted = traffic.accepted();
        const retried = traffic.postbacks.filter((p) => p.tries.length > 1).length;
        report(
          SCENARIO,
          `load: ${traffic.sent} postbacks in ${traffic.seconds.toFixed(1)} s (restarts done after ` +
            `${((restartsDone - started) / 1000).toFixed(1)} s of scenario time, ${(bootMs / 1000).toFixed(1)} s ` +
            `more booting replacements), ${traffic.clicks} clicks registered, ${accepted.length} answered 200, ${retried} ` +
            `needed a retry; answers other than 200: ${traffic.failures()}`,
        );
        // Every postback got its 200 in the end (the other gateway was always up).
        expect(traffic.givenUp().map((p) => p.clickId)).toEqual([]);

        const waitedMs = await eventually(
          'every accepted postback forwarded',
          () => Promise.resolve(accepted.every((cid) => stack.receiver.delivered(cid))),
          { timeoutMs: 30_000, intervalMs: 100 },
        ).catch((error: Error) => {
          throw new Error(`${error.message}; ${describeTally(stack.receiver.tally(accepted))}`);
        });
        const tally = stack.receiver.tally(accepted);
        report(SCENARIO, `${describeTally(tally)}; the last forward ${waitedMs} ms after the load stopped`);
        const repeated = [...tally.duplicates.keys()];
        // What MongoDB recorded about any forward sent twice, for the failure report.
        if (repeated.length > 0) report(SCENARIO, await stack.attemptLog(repeated.slice(0, 10)));
        expect({
          tally: describeTally(tally),
          lost: tally.lost.length,
          requestedTwice: repeated.length,
          unknown: tally.strangers,
        }).toEqual({ tally: describeTally(tally), lost: 0, requestedTwice: 0, unknown: 0 });

        // BullMQ: no job was taken back from a worker that left it active, none failed.
        report(SCENARIO, `BullMQ events: ${events.stalled.length} stalled, ${events.failed.length} failed`);
        expect({ stalled: events.stalled, failed: events.failed }).toEqual({ stalled: [], failed: [] });

        // MongoDB: one stored postback per click (no request a gateway took in was cut off after its
        // write), one conversion and one delivered delivery per accepted postback, nothing still due.
        const db = await stack.db();
        const lateWrites = traffic.postbacks
          .flatMap((p) => p.tries)
          .filter((t) => t.status === 503 && t.code === 'STORE_UNAVAILABLE').length;
        const stored = await db.collection('postbacks').countDocuments({});
        report(
          SCENARIO,
          `${stored} postbacks stored for ${accepted.length} accepted (${lateWrites} answered 503 STORE_UNAVAILABLE, whose write may land late)`,
        );
        expect(stored - accepted.length).toBeLessThanOrEqual(lateWrites);
        await stack.allDeliveredInMongo(accepted.length);
        expect(await db.collection('conversions').countDocuments({})).toBe(accepted.length);
        expect(
          await db.collection('deliveries').countDocuments({ state: { $in: ['pending', 'failed'] } }),
        ).toBe(0);
        expect(await db.collection('postbacks').countDocuments({ outcome: 'accepted' })).toBe(0);

        // Redis: every job ended (ended jobs are removed), none left active to a stalled-job check.
        let counts = await stack.jobCounts();
        await eventually(
          'no job left in Redis',
          async () => {
            counts = await stack.jobCounts();
            return Object.values(counts).every((byState) => Object.values(byState).every((n) => n === 0));
          },
          { timeoutMs: 10_000, intervalMs: 200 },
        ).catch((error: Error) => {
          throw new Error(`${error.message}; job counts: ${JSON.stringify(counts)}`);
        });
        const scenarioMs = Date.now() - started - bootMs;
        await events.close();
        report(
          SCENARIO,
          `done in ${(scenarioMs / 1000).toFixed(1)} s of scenario time (limit ${LIMIT_MS / 1000} s) ` +
            `+ ${(bootMs / 1000).toFixed(1)} s booting the ${REPLACEMENTS} replacements`,
        );
        expect(scenarioMs).toBeLessThanOrEqual(LIMIT_MS);
      }, DEADLINE_MS),
    DEADLINE_MS + 10_000,
  );
});

/**
 * Polls the readiness of a process from its SIGTERM until it exits: what a load balancer's health check
 * sees, e.g. `503 from +12 ms, then no answer from +230 ms`.
 */
async function watchReadiness(stack: ChaosStack, app: AppProcess): Promise<string> {
  const from = app.terminatedAt ?? Date.now();
  const seen: string[] = [];
  let last: number | undefined;
  while (app.proc.child.exitCode === null && app.proc.child.signalCode === null) {
    const status = await stack.readiness(app);
    if (status !== last) seen.push(`${status === 0 ? 'no answer' : status} from +${Date.now() - from} ms`);
    last = status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return seen.join(', then ') || 'gone before the first probe';
}

/**
 * The same drain, looked at closely: one gateway, one worker. A forward is held open by the receiver
 * (its attribution job is running) when the worker gets SIGTERM; an admin replay then queues a job on
 * another queue (`delivery`). The worker must take no new job from any queue once it got the signal:
 * the replay waits in Redis while the held forward finishes, the worker exits 0, and its replacement
 * sends the replay. (Nest closes the queue workers module by module — attribution, then delivery — so
 * without stopping every queue at the signal the delivery queue took new jobs during the drain, which
 * then lasted the sum of both queues' jobs and could outrun SHUTDOWN_TIMEOUT.)
 *
 * Time limit: 60 s of scenario time (the boot of the processes and of the replacement not counted).
 */
describe('chaos: a worker takes no new job from any queue once it got SIGTERM', () => {
  const scenario = 'SIGTERM stops every queue';
  const limitMs = 60_000;
  /** How long a job left in Redis must stay untaken while the worker drains. */
  const observeMs = 1_500;
  let stack: ChaosStack;
  let worker: AppProcess;

  beforeAll(async () => {
    stack = await ChaosStack.create('chaos-sigterm-stops-queues');
    [, worker] = await stack.boot(['gateway', 'worker'], scenario);
  }, BOOT_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    await stack?.close();
  });

  it(
    `leaves a job queued during the drain to the next worker, and exits 0 once its running job is done; limit ${limitMs / 1000} s (boot not counted)`,
    () =>
      stack.guard(async () => {
        const started = Date.now();
        const campaign = await stack.campaign();
        const [replayed, held] = await stack.clicks(campaign, 2, 'sq');
        stack.receiver.answer((request) => (request.cid === held ? 'hold' : { status: 200 }));

        // A delivered delivery to replay later, then a forward held open by the receiver.
        expect((await stack.postbacks(campaign, [replayed])).map((r) => r.status)).toEqual([200]);
        await stack.allDeliveredInMongo(1);
        const delivery = await (await stack.db()).collection('deliveries').findOne({});
        expect((await stack.postbacks(campaign, [held])).map((r) => r.status)).toEqual([200]);
        await eventually('the second forward held open by the receiver', () =>
          Promise.resolve(stack.receiver.open().some((r) => r.cid === held)),
        );

        const exiting = stack.terminate(worker);
        await eventually('the worker draining', () =>
          Promise.resolve(worker.proc.output().includes('SIGTERM received')),
        );
        // Answered once the job is in Redis: a worker still taking jobs sends it within milliseconds.
        await stack.admin('POST', `/api/deliveries/${String(delivery?._id)}/replay`);
        await new Promise((resolve) => setTimeout(resolve, observeMs));
        const countsWhileDraining = await stack.jobCounts();
        const sentWhileDraining = stack.receiver.of(replayed).length - 1;

        stack.receiver.release(200);
        const exit = await exiting;
        const slackMs = schedulingSlackMs();
        report(
          scenario,
          `exit ${exit.code ?? exit.signal} ${exit.ms} ms after SIGTERM (the held forward released after ` +
            `${observeMs} ms of observation); replay sent while draining: ${sentWhileDraining}; delivery ` +
            `queue while draining: ${JSON.stringify(countsWhileDraining.delivery)}`,
        );
        expect(sentWhileDraining).toBe(0);
        expect(countsWhileDraining.delivery).toMatchObject({ waiting: 1, active: 0 });
        expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
        expect(exit.ms).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_MS + slackMs);
        expect(stack.receiver.of(held).map((r) => ({ status: r.status, aborted: r.aborted }))).toEqual([
          { status: 200, aborted: false },
        ]);

        // The replacement takes the replay; nothing else is sent again.
        const bootedAt = Date.now();
        const replacement = await stack.spawn('worker');
        await stack.waitReady(replacement, REPLACEMENT_BOOT_MS);
        const bootMs = Date.now() - bootedAt;
        await eventually('the replay sent by the replacement', () =>
          Promise.resolve(stack.receiver.of(replayed).length === 2),
        );
        await stack.allDeliveredInMongo(2);
        expect(stack.receiver.of(held)).toHaveLength(1);
        const scenarioMs = Date.now() - started - bootMs;
        report(
          scenario,
          `done in ${(scenarioMs / 1000).toFixed(1)} s of scenario time + ${(bootMs / 1000).toFixed(1)} s booting the replacement`,
        );
        expect(scenarioMs).toBeLessThanOrEqual(limitMs);
      }, limitMs + REPLACEMENT_BOOT_MS),
    limitMs + REPLACEMENT_BOOT_MS + 10_000,
  );
});
