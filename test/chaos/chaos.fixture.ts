import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { type Db, MongoClient } from 'mongodb';
import { Pool } from 'undici';
import { QUEUES, type QueueName } from '@ricochet/queue/queue.constants';
import { COMPILED_ENTRY_POINTS, spawnCompiledEntryPoint } from '../support/compiled-processes';
import { eventually } from '../support/config';
import { freePort } from '../support/free-port';
import { ENTRY_POINTS, spawnEntryPoint, type SpawnedProcess } from '../support/processes';
import { type SuiteContext, suiteContext } from '../support/suite';
import { ChaosReceiver } from './chaos-receiver';

/** The admin key every chaos process accepts. */
export const ADMIN_KEY = 'chaos-admin-key-0123456789';

/**
 * Timings of the chaos suites: production defaults scaled down so a scenario takes seconds. Each suite
 * states what the production defaults (libs/config/src/load-config.ts) give for the same bound.
 *
 * | variable           | test | production |
 * | ------------------ | ---- | ---------- |
 * | `JOB_LOCK`         | 5 s  | 30 s       |
 * | `STALLED_INTERVAL` | 2 s  | 15 s       |
 * | `SWEEPER_INTERVAL` | 1 s  | 30 s       |
 * | `SWEEPER_GRACE`    | 2 s  | 30 s       |
 * | `SWEEPER_LEASE`    | 10 s | 5 min      |
 */
export const CHAOS_TIMINGS = {
  JOB_LOCK: 5_000,
  STALLED_INTERVAL: 2_000,
  SWEEPER_INTERVAL: 1_000,
  SWEEPER_GRACE: 2_000,
  SWEEPER_LEASE: 10_000,
} as const;

/**
 * Added to every time bound: picking the job up, the attribution re-run's MongoDB reads and the
 * event-loop lag of processes sharing two cores with other suites.
 */
export const SCHEDULING_SLACK_MS = 3_000;

/**
 * The slack to use now: {@link SCHEDULING_SLACK_MS}, stretched (at most to 10 s) when the host is
 * overloaded — a 1-minute load average above 2 per core, where starved processes run their timers
 * seconds late. Assertion messages report the slack used.
 */
export function schedulingSlackMs(): number {
  const perCore = loadavg()[0] / Math.max(1, cpus().length);
  return Math.round(Math.min(10_000, SCHEDULING_SLACK_MS * Math.max(1, perCore / 2)));
}

/**
 * Starting the processes of a scenario (ts-node transpiles the whole app in each) may take this long on
 * a loaded 2-core box; it is not part of a scenario's time limit, which starts once they are ready.
 */
export const BOOT_TIMEOUT_MS = 150_000;

const seconds = (ms: number): string => `${ms / 1000}s`;

export type AppKind = 'gateway' | 'worker';

/** One gateway or worker process of a scenario. */
export interface AppProcess {
  name: string;
  kind: AppKind;
  port: number;
  proc: SpawnedProcess;
  spawnedAt: number;
  readyAt?: number;
  killedAt?: number;
  /** When `terminate()` sent SIGTERM. */
  terminatedAt?: number;
}

/** How a process ended after `terminate()` (SIGTERM). */
export interface Termination {
  code: number | null;
  signal: NodeJS.Signals | null;
  signalledAt: number;
  /** From the SIGTERM to the process's exit. */
  ms: number;
}

/** BullMQ's job counts of one queue, by state. */
export type JobCounts = Record<
  'active' | 'waiting' | 'delayed' | 'prioritized' | 'waiting-children' | 'failed',
  number
>;

export interface PostbackResult {
  clickId: string;
  txid: string;
  /** HTTP status, or 0 when the request failed without an answer (connection refused or reset). */
  status: number;
  postbackId?: string;
  code?: string;
  retryAfter?: string;
  error?: string;
  startedAt: number;
  ms: number;
}

export interface Campaign {
  token: string;
  offerId: string;
  sourceId: string;
  endpointId: string;
}

export interface StackOptions {
  /** Extra or overriding environment for every process. */
  env?: Record<string, string>;
  /** Redis for the processes (default: the harness Redis, isolated by the queue prefix). */
  redisUrl?: string;
  /** MongoDB for the processes (default: the suite's database on the harness MongoDB), e.g. via a proxy. */
  processMongoUrl?: (suiteMongoUrl: string) => string;
  /** Run `dist/` (node) instead of the TypeScript sources (ts-node). */
  compiled?: boolean;
}

/**
 * One chaos scenario: its own database and queue prefix, real gateway and worker processes started as
 * a user starts them, the partner endpoint, and direct MongoDB access for checks. Every process it
 * spawned is killed by `close()`; `guard()` appends the processes' logs to any failure.
 */
export class ChaosStack {
  readonly ctx: SuiteContext;
  readonly processes: AppProcess[] = [];
  gateway?: AppProcess;
  private client?: MongoClient;
  private pools: Pool[] = [];
  private counter = 0;
  private readonly ports = new Set<number>();

  private constructor(
    name: string,
    readonly receiver: ChaosReceiver,
    private readonly options: StackOptions,
  ) {
    const ctx = suiteContext(name);
    this.ctx = { ...ctx, redisUrl: options.redisUrl ?? ctx.redisUrl };
  }

  static async create(name: string, options: StackOptions = {}): Promise<ChaosStack> {
    return new ChaosStack(name, await ChaosReceiver.start(), options);
  }

  get base(): string {
    if (!this.gateway) throw new Error('no gateway started');
    return `http://127.0.0.1:${this.gateway.port}`;
  }

  /** The environment every process of this scenario gets. */
  env(): Record<string, string> {
    const mongoUrl = this.options.processMongoUrl?.(this.ctx.mongoUrl) ?? this.ctx.mongoUrl;
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      MONGO_URL: mongoUrl,
      REDIS_URL: this.ctx.redisUrl,
      QUEUE_PREFIX: this.ctx.queuePrefix,
      ADMIN_API_KEYS: ADMIN_KEY,
      FORWARD_ALLOW_PRIVATE: 'true',
      JOB_LOCK: seconds(CHAOS_TIMINGS.JOB_LOCK),
      STALLED_INTERVAL: seconds(CHAOS_TIMINGS.STALLED_INTERVAL),
      SWEEPER_INTERVAL: seconds(CHAOS_TIMINGS.SWEEPER_INTERVAL),
      SWEEPER_GRACE: seconds(CHAOS_TIMINGS.SWEEPER_GRACE),
      SWEEPER_LEASE: seconds(CHAOS_TIMINGS.SWEEPER_LEASE),
      SHUTDOWN_TIMEOUT: '5s',
      ...this.options.env,
    };
  }

  /** Spawns a gateway or a worker on a free port; `start()` waits for it to be ready. */
  async spawn(kind: AppKind): Promise<AppProcess> {
    // Two processes spawned at once could be handed the same free port: never reuse one of ours.
    let port = await freePort();
    while (this.ports.has(port)) port = await freePort();
    this.ports.add(port);
    const env = {
      ...this.env(),
      ...(kind === 'gateway' ? { PORT: String(port) } : { WORKER_PORT: String(port), PORT: '0' }),
    };
    const proc = this.options.compiled
      ? spawnCompiledEntryPoint(COMPILED_ENTRY_POINTS[kind], env)
      : spawnEntryPoint(ENTRY_POINTS[kind], env);
    const count = this.processes.filter((p) => p.kind === kind).length + 1;
    const app: AppProcess = { name: `${kind}#${count}`, kind, port, proc, spawnedAt: Date.now() };
    this.processes.push(app);
    if (kind === 'gateway') this.gateway = app;
    return app;
  }

  /**
   * Starts the scenario's processes at once (for `beforeAll`, with the jest timeout
   * `BOOT_TIMEOUT_MS + 10_000`), logs included in a failure.
   */
  async boot(kinds: AppKind[], scenario: string): Promise<AppProcess[]> {
    const started = Date.now();
    let apps: AppProcess[] = [];
    await this.guard(async () => {
      apps = await Promise.all(kinds.map((kind) => this.start(kind)));
    }, BOOT_TIMEOUT_MS);
    report(scenario, `${kinds.join(', ')} ready in ${since(started)}`);
    return apps;
  }

  /** Spawns and waits until `/health/ready` answers 200. */
  async start(kind: AppKind): Promise<AppProcess> {
    const app = await this.spawn(kind);
    await this.waitReady(app);
    return app;
  }

  async readiness(app: AppProcess): Promise<number> {
    try {
      const response = await fetch(`http://127.0.0.1:${app.port}/health/ready`, {
        signal: AbortSignal.timeout(5_000),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  async waitReady(app: AppProcess, timeoutMs = BOOT_TIMEOUT_MS): Promise<number> {
    const took = await eventually(
      `${app.name} ready on port ${app.port}`,
      async () => {
        if (app.proc.child.exitCode !== null || app.proc.child.signalCode !== null) {
          await drained(app);
          const { exitCode, signalCode } = app.proc.child;
          throw new Error(
            `${app.name} exited (${exitCode ?? signalCode}) before it was ready:\n${tail(app.proc.output())}`,
          );
        }
        return (await this.readiness(app)) === 200;
      },
      { timeoutMs, intervalMs: 200 },
    );
    app.readyAt = Date.now();
    return took;
  }

  /** kill -9; resolves with the moment the signal was sent, once the process is gone. */
  async kill9(app: AppProcess): Promise<number> {
    const at = Date.now();
    app.killedAt = at;
    app.proc.child.kill('SIGKILL');
    await app.proc.exited;
    return at;
  }

  /** SIGTERM, as a supervisor stops a process in a rolling restart; resolves once it has exited. */
  async terminate(app: AppProcess): Promise<Termination> {
    const signalledAt = Date.now();
    app.terminatedAt = signalledAt;
    app.proc.child.kill('SIGTERM');
    const { code, signal } = await app.proc.exited;
    return { code, signal, signalledAt, ms: Date.now() - signalledAt };
  }

  /** SIGSTOP: the process keeps its connections but does nothing (a spare that takes no work). */
  pause(app: AppProcess): void {
    app.proc.child.kill('SIGSTOP');
  }

  /** SIGCONT: the paused process carries on at once, like a restart that takes no boot time. */
  resume(app: AppProcess): number {
    app.proc.child.kill('SIGCONT');
    return Date.now();
  }

  async admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        'x-api-key': ADMIN_KEY,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** An advertiser, an offer and a source whose one endpoint is the receiver. */
  async campaign(endpoint: Record<string, unknown> = {}): Promise<Campaign> {
    const advertiser = await this.admin<{ id: string; postbackToken: string }>('POST', '/api/advertisers', {
      name: 'Chaos Advertiser',
    });
    const offer = await this.admin<{ id: string }>('POST', '/api/offers', {
      advertiserId: advertiser.id,
      name: 'Chaos Offer',
      url: 'https://offer.example.com/lp?click_id={click_id}',
    });
    const source = await this.admin<{ id: string; endpoints: { id: string }[] }>('POST', '/api/sources', {
      name: 'Chaos Source',
      endpoints: [{ url: this.receiver.endpointUrl(), method: 'GET', ...endpoint }],
    });
    return {
      token: advertiser.postbackToken,
      offerId: offer.id,
      sourceId: source.id,
      endpointId: source.endpoints[0].id,
    };
  }

  /**
   * Registers `n` fresh clicks (bulk `POST /api/clicks`) whose click id is also their `ext_click_id`,
   * so the forwarded `cid` names the postback. Ids are unique per scenario and call.
   */
  async clicks(campaign: Campaign, n: number, label: string): Promise<string[]> {
    const batch = (this.counter += 1);
    const ids = Array.from({ length: n }, (_, i) => `${label}-${batch}-${i}`);
    for (let from = 0; from < ids.length; from += 1000) {
      const chunk = ids.slice(from, from + 1000);
      await this.admin('POST', '/api/clicks', {
        clicks: chunk.map((clickId) => ({
          clickId,
          extClickId: clickId,
          offerId: campaign.offerId,
          sourceId: campaign.sourceId,
        })),
      });
    }
    return ids;
  }

  /** The txid this scenario uses for a click's postback (a retry of the postback reuses it). */
  static txid(clickId: string): string {
    return `tx-${clickId}`;
  }

  /** Sends one postback per click id over `connections` keep-alive connections, like a busy network. */
  async postbacks(
    campaign: Campaign,
    clickIds: string[],
    options: {
      connections?: number;
      /** Pause of each connection between two postbacks, to spread a burst over time. */
      paceMs?: number;
      onResult?: (result: PostbackResult) => void;
    } = {},
  ): Promise<PostbackResult[]> {
    const pool = new Pool(this.base, {
      connections: options.connections ?? 8,
      pipelining: 1,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    this.pools.push(pool);
    const results: PostbackResult[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < clickIds.length) {
        const clickId = clickIds[next++];
        const result = await this.sendPostback(pool, campaign, clickId);
        results.push(result);
        options.onResult?.(result);
        if (options.paceMs) await new Promise((resolve) => setTimeout(resolve, options.paceMs));
      }
    };
    await Promise.all(Array.from({ length: options.connections ?? 8 }, lane));
    await pool.close().catch(() => undefined);
    return results;
  }

  /** Sends one postback (the click's txid) over `pool`, a pool of connections to one gateway. */
  postbackVia(pool: Pool, campaign: Campaign, clickId: string): Promise<PostbackResult> {
    return this.sendPostback(pool, campaign, clickId);
  }

  /** Job counts of the scenario's queues, read from Redis with BullMQ's own scripts. */
  async jobCounts(): Promise<Record<QueueName, JobCounts>> {
    const connection = new Redis(this.ctx.redisUrl, { maxRetriesPerRequest: null });
    const counts: Partial<Record<QueueName, JobCounts>> = {};
    try {
      for (const name of Object.values(QUEUES)) {
        const queue = new Queue(name, { connection, prefix: this.ctx.queuePrefix });
        try {
          const read = await queue.getJobCounts(
            'active',
            'waiting',
            'delayed',
            'prioritized',
            'waiting-children',
            'failed',
          );
          counts[name] = {
            active: read.active ?? 0,
            waiting: read.waiting ?? 0,
            delayed: read.delayed ?? 0,
            prioritized: read.prioritized ?? 0,
            'waiting-children': read['waiting-children'] ?? 0,
            failed: read.failed ?? 0,
          };
        } finally {
          await queue.close();
        }
      }
    } finally {
      connection.disconnect();
    }
    return counts as Record<QueueName, JobCounts>;
  }

  private async sendPostback(pool: Pool, campaign: Campaign, clickId: string): Promise<PostbackResult> {
    const txid = ChaosStack.txid(clickId);
    const query = new URLSearchParams({ click_id: clickId, payout: '1.50', txid });
    const startedAt = Date.now();
    try {
      const response = await pool.request({
        method: 'GET',
        path: `/postback/${campaign.token}?${query.toString()}`,
      });
      const text = await response.body.text();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { text };
      }
      const retryAfter = response.headers['retry-after'];
      return {
        clickId,
        txid,
        status: response.statusCode,
        ...(typeof body.postbackId === 'string' ? { postbackId: body.postbackId } : {}),
        ...(typeof body.code === 'string' ? { code: body.code } : {}),
        ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        startedAt,
        ms: Date.now() - startedAt,
      };
    } catch (error) {
      return {
        clickId,
        txid,
        status: 0,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        startedAt,
        ms: Date.now() - startedAt,
      };
    }
  }

  /** The suite's database on the harness MongoDB, read directly (never through a proxy). */
  async db(): Promise<Db> {
    this.client ??= await MongoClient.connect(this.ctx.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
    return this.client.db(this.ctx.dbName);
  }

  /**
   * Waits until MongoDB holds exactly `n` deliveries, all `delivered`: the worker writes the state just
   * after the receiver answers, so this follows the receiver's count by a moment.
   */
  async allDeliveredInMongo(n: number, timeoutMs = 15_000): Promise<void> {
    const deliveries = (await this.db()).collection('deliveries');
    let states: Record<string, number> = {};
    await eventually(
      `${n} deliveries, all delivered, in MongoDB`,
      async () => {
        const docs = await deliveries.find({}, { projection: { state: 1 } }).toArray();
        states = {};
        for (const doc of docs) states[String(doc.state)] = (states[String(doc.state)] ?? 0) + 1;
        return docs.length === n && states.delivered === n;
      },
      { timeoutMs, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; deliveries by state: ${JSON.stringify(states)}`);
    });
  }

  /**
   * The attempt log of the deliveries of these clicks, one line per attempt, for reports: what the
   * product recorded when the receiver saw something odd (a cid delivered twice, a late delivery).
   */
  async attemptLog(cids: string[]): Promise<string> {
    if (cids.length === 0) return '';
    const db = await this.db();
    const conversions = await db
      .collection('conversions')
      .find({ clickId: { $in: cids } }, { projection: { clickId: 1 } })
      .toArray();
    const cidOf = new Map(conversions.map((c) => [String(c._id), String(c.clickId)]));
    const deliveries = await db
      .collection('deliveries')
      .find({ conversionId: { $in: conversions.map((c) => c._id) } })
      .toArray();
    const deliveryCid = new Map(deliveries.map((d) => [String(d._id), cidOf.get(String(d.conversionId))]));
    const attempts = await db
      .collection('delivery_attempts')
      .find({ deliveryId: { $in: deliveries.map((d) => d._id) } })
      .sort({ startedAt: 1 })
      .toArray();
    return attempts
      .map(
        (a) =>
          `${deliveryCid.get(String(a.deliveryId))} delivery ${String(a.deliveryId)} attempt ${a.attemptNo} ` +
          `(${a.trigger}) at ${(a.startedAt as Date).toISOString()} → ${a.statusCode ?? a.errorClass ?? '?'}`,
      )
      .join('\n');
  }

  /** The last lines of every process's output, for failure messages. */
  logs(lines = 40): string {
    return this.processes
      .map((app) => {
        const state = app.killedAt ? `killed at +${app.killedAt - app.spawnedAt} ms` : 'running';
        return `----- ${app.name} (port ${app.port}, ${state}) -----\n${tail(app.proc.output(), lines)}`;
      })
      .join('\n');
  }

  /**
   * Runs a test body; a failure carries the processes' logs. Give it a `deadlineMs` a little under the
   * jest timeout, so a scenario that hangs fails with the logs instead of jest's bare timeout.
   */
  async guard(body: () => Promise<void>, deadlineMs?: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        if (deadlineMs === undefined) return;
        timer = setTimeout(
          () => reject(new Error(`scenario still running after ${deadlineMs} ms (its time limit)`)),
          deadlineMs,
        );
      });
      await Promise.race([body(), deadline]);
    } catch (error) {
      if (error instanceof Error) {
        error.message += `\n\n===== process logs (last lines) =====\n${this.logs()}`;
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    for (const app of this.processes) {
      if (app.proc.child.exitCode === null && app.proc.child.signalCode === null) {
        app.proc.child.kill('SIGCONT');
        app.proc.child.kill('SIGKILL');
      }
    }
    await Promise.all(this.processes.map((app) => app.proc.exited.catch(() => undefined)));
    await Promise.all(this.pools.map((pool) => pool.destroy().catch(() => undefined)));
    await this.receiver.stop();
    await this.client?.close(true);
  }
}

/** A job event of the scenario's queues, as BullMQ records it in Redis. */
export interface QueueEventSeen {
  queue: QueueName;
  jobId: string;
  /** `failedReason` of a `failed` event. */
  reason?: string;
  at: number;
}

/**
 * Listens to the scenario's queues (BullMQ's event streams in Redis, read as they are written) for the
 * events that say a job did not end normally: `stalled` — a job whose lock ran out while active was
 * taken back by another worker's stalled-job check (its worker died, or stalled longer than JOB_LOCK),
 * so its work runs again — and `failed`. Start it before the load; `close()` stops it.
 */
export class QueueEventsWatch {
  readonly stalled: QueueEventSeen[] = [];
  readonly failed: QueueEventSeen[] = [];

  private constructor(
    private readonly listeners: QueueEvents[],
    private readonly connections: Redis[],
  ) {}

  static async start(stack: ChaosStack): Promise<QueueEventsWatch> {
    const connections: Redis[] = [];
    const listeners = Object.values(QUEUES).map((name) => {
      const connection = new Redis(stack.ctx.redisUrl, { maxRetriesPerRequest: null });
      connections.push(connection);
      return new QueueEvents(name, { connection, prefix: stack.ctx.queuePrefix });
    });
    const watch = new QueueEventsWatch(listeners, connections);
    for (const listener of listeners) {
      const queue = listener.name as QueueName;
      listener.on('error', () => undefined); // a closed connection at the end; nothing to watch then
      listener.on('stalled', ({ jobId }) => watch.stalled.push({ queue, jobId, at: Date.now() }));
      listener.on('failed', ({ jobId, failedReason }) =>
        watch.failed.push({ queue, jobId, reason: failedReason, at: Date.now() }),
      );
    }
    await Promise.all(listeners.map((listener) => listener.waitUntilReady()));
    return watch;
  }

  async close(): Promise<void> {
    // Disconnecting first ends the listeners' blocking reads at once (else close() waits them out).
    for (const connection of this.connections) connection.disconnect();
    await Promise.all(this.listeners.map((listener) => listener.close().catch(() => undefined)));
  }
}

/** Every try of one postback by {@link PacedLoad}, until it got a 200 or was given up. */
export interface LoadedPostback {
  clickId: string;
  tries: (PostbackResult & { gateway: string })[];
  /** The try answered 200, if one was. */
  accepted?: PostbackResult & { gateway: string };
}

export interface PacedLoadOptions {
  ratePerSecond: number;
  /** Prefix of the click ids (unique per scenario). */
  label: string;
  /** Pause before a postback that got no 200 is sent again (default 250 ms). */
  retryDelayMs?: number;
  /** Tries before a postback is given up (default 60). */
  maxTries?: number;
}

/**
 * Advertisers sending paced postbacks to whichever gateways are up, as behind a load balancer: each
 * fresh postback goes to the next gateway in turn, and one answered anything but 200 (a 503 from a
 * gateway closing, a refused or reset connection) is retried with the same txid on the next gateway
 * after `retryDelayMs`, until a 200 or `maxTries`. Only a 200 counts as accepted.
 *
 * Each postback is for a click registered beforehand (bulk `POST /api/clicks` through a gateway that is
 * up, its click id also its ext click id): clicks are registered 10 s of load ahead, topped up as the
 * load runs, so the load can run as long as a scenario needs.
 */
export class PacedLoad {
  readonly postbacks: LoadedPostback[] = [];
  private readonly clickIds: string[] = [];
  private readonly targets: { app: AppProcess; pool: Pool }[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private turn = 0;
  private next = 0;
  private registering?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  private stoppedAt?: number;
  private aborted = false;

  constructor(
    private readonly stack: ChaosStack,
    private readonly campaign: Campaign,
    private readonly options: PacedLoadOptions,
  ) {}

  /** Sends to this gateway from now on. */
  addTarget(app: AppProcess): void {
    const pool = new Pool(`http://127.0.0.1:${app.port}`, {
      connections: 16,
      pipelining: 1,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    this.targets.push({ app, pool });
  }

  /** Stops sending to this gateway (gone); tries already on their way to it end as they end. */
  removeTarget(app: AppProcess): void {
    const index = this.targets.findIndex((target) => target.app === app);
    if (index < 0) return;
    const [{ pool }] = this.targets.splice(index, 1);
    void pool.close().catch(() => undefined);
  }

  /**
   * Registers the first clicks, then sends `ratePerSecond` fresh postbacks a second (catching up if a
   * timer fires late or the clicks ran short).
   */
  async start(): Promise<void> {
    await this.register();
    this.startedAt = Date.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - this.startedAt) * this.options.ratePerSecond) / 1000);
      while (this.next < Math.min(due, this.clickIds.length))
        this.track(this.send(this.clickIds[this.next++]));
      if (this.clickIds.length - this.next < this.options.ratePerSecond * 5) {
        this.registering ??= this.register()
          .catch(() => undefined) // no gateway answered: the next tick tries again
          .finally(() => (this.registering = undefined));
      }
    }, 10);
  }

  /** Sends no fresh postback any more, and waits until every one sent got its 200 or was given up. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stoppedAt ??= Date.now();
    await this.registering;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    for (const { pool } of this.targets.splice(0)) await pool.close().catch(() => undefined);
  }

  /** Gives up at once (a failed scenario): no more sends or retries, connections dropped. */
  async abort(): Promise<void> {
    this.aborted = true;
    clearInterval(this.timer);
    this.stoppedAt ??= Date.now();
    await Promise.all(this.targets.splice(0).map(({ pool }) => pool.destroy().catch(() => undefined)));
  }

  /** Fresh postbacks sent so far. */
  get sent(): number {
    return this.next;
  }

  /** Clicks registered so far. */
  get clicks(): number {
    return this.clickIds.length;
  }

  /** Seconds the load ran (until `stop()`). */
  get seconds(): number {
    return ((this.stoppedAt ?? Date.now()) - this.startedAt) / 1000;
  }

  /** Click ids of the postbacks answered 200. */
  accepted(): string[] {
    return this.postbacks.filter((p) => p.accepted).map((p) => p.clickId);
  }

  /** Postbacks given up without a 200. */
  givenUp(): LoadedPostback[] {
    return this.postbacks.filter((p) => !p.accepted);
  }

  /** The answers that were not a 200, counted by kind, e.g. `3× HTTP 503, 1× SocketError: other side closed`. */
  failures(): string {
    const counts = new Map<string, number>();
    for (const postback of this.postbacks) {
      for (const result of postback.tries) {
        if (result.status === 200) continue;
        const key = result.status === 0 ? (result.error ?? 'error').slice(0, 80) : `HTTP ${result.status}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return [...counts.entries()].map(([key, n]) => `${n}× ${key}`).join(', ') || 'none';
  }

  /** Registers the next 10 s of clicks through a gateway that is up. */
  private async register(): Promise<void> {
    const target = this.targets[this.turn++ % Math.max(1, this.targets.length)];
    if (!target) throw new Error('no gateway to register clicks with');
    const from = this.clickIds.length;
    const ids = Array.from(
      { length: this.options.ratePerSecond * 10 },
      (_, i) => `${this.options.label}-${from + i}`,
    );
    const response = await target.pool.request({
      method: 'POST',
      path: '/api/clicks',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        clicks: ids.map((clickId) => ({
          clickId,
          extClickId: clickId,
          offerId: this.campaign.offerId,
          sourceId: this.campaign.sourceId,
        })),
      }),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`POST /api/clicks → ${response.statusCode} ${text}`);
    this.clickIds.push(...ids);
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private async send(clickId: string): Promise<void> {
    const postback: LoadedPostback = { clickId, tries: [] };
    this.postbacks.push(postback);
    const maxTries = this.options.maxTries ?? 60;
    while (postback.tries.length < maxTries && !this.aborted) {
      const target = this.targets.length > 0 ? this.targets[this.turn++ % this.targets.length] : undefined;
      if (target) {
        const result = {
          ...(await this.stack.postbackVia(target.pool, this.campaign, clickId)),
          gateway: target.app.name,
        };
        postback.tries.push(result);
        if (result.status === 200) {
          postback.accepted = result;
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 250));
    }
  }
}

/** Waits (at most 2 s) until an exited process's output has been read to the end. */
async function drained(app: AppProcess): Promise<void> {
  const { child } = app.proc;
  if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) return;
  await Promise.race([once(child, 'close'), new Promise((resolve) => setTimeout(resolve, 2_000))]);
}

/** The last `lines` lines of a log, without Nest's route-mapping noise. */
export function tail(output: string, lines = 40): string {
  return output
    .split('\n')
    .filter((line) => !/"context":"(RouterExplorer|RoutesResolver|InstanceLoader)"/.test(line))
    .slice(-lines)
    .join('\n');
}

/** Seconds since `startedAt`, for report lines. */
export function since(startedAt: number): string {
  return `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
}

/** One line of a scenario's report in the test output (durations, counts), whether it passes or not. */
export function report(scenario: string, line: string): void {
  process.stderr.write(`[chaos] ${scenario}: ${line}\n`);
}
