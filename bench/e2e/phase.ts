/**
 * One benchmark phase against one chain: make the clicks known, sample counters, send the postbacks,
 * wait until the receiver has every accepted one (or the drain timeout), sample again, and account for
 * every id.
 */
import { type Chain, type Role, ROLES } from './chain';
import { clickIdOf, indexOfExt, receiverGroupOf, txidOf } from './ids';
import { LoadGenerator, type LoadResult, now } from './load';
import { cpuMs, machineCpuMs, rssMiB } from './proc-stats';
import {
  type MongoCommandCounts,
  mongoCommandsDelta,
  type RedisSample,
  scrapeMongoCommands,
  type ServerStatusSample,
  sumCounts,
} from './probes';
import { assertAlive, type Proc, sleep } from './processes';
import type { ReceiverClient } from './receiver-client';
import { per, percentile } from './stats';

export interface PhaseSpec {
  /** e.g. `burst`, `300/s`, `soak` */
  name: string;
  kind: 'burst' | 'paced';
  count: number;
  /** Paced phases: postbacks per second. */
  rate?: number;
  /** Sample intake and worker RSS every few seconds (the soak). */
  sampleRss?: boolean;
}

export interface PhaseContext {
  /** The phase's id group: unique per run, chain and phase, so ids never collide (also across runs). */
  group: string;
  connections: number;
  drainTimeoutMs: number;
  stallTimeoutMs: number;
  receiver: ReceiverClient;
  log(line: string): void;
}

/** Process name → value; `loadgen` is the benchmark process itself. */
export type PerProcess = Partial<Record<Role | 'loadgen', number>>;

export interface PhaseResult {
  chain: 'product' | 'ceiling';
  phase: string;
  kind: 'burst' | 'paced';
  offeredRate: number | null;
  sent: number;
  accepted: number;
  /** Answers other than 200, by status (0 = transport error). */
  refused: Record<string, number>;
  intake: { perSecond: number; p50Ms: number; p99Ms: number; maxMs: number };
  pacerLag: { p99Ms: number; maxMs: number } | null;
  forwarded: {
    unique: number;
    perSecond: number;
    firstForwardP50Ms: number;
    firstForwardP99Ms: number;
    firstForwardMaxMs: number;
    /** Accepted (200) but not received by the end of the phase's drain. */
    lost: number;
    /** Ids received more than once, and the extra requests. */
    duplicateIds: number;
    duplicateRequests: number;
    /** Received for postbacks the intake did not accept with 200. */
    unexpected: number;
    drained: boolean;
    /** From the last intake answer to the last id received (or the timeout). */
    drainMs: number;
  };
  /** CPU time over the phase (start → drained + 1 s settle), per forwarded conversion. */
  cpuMsPerConversion: PerProcess & { server: number };
  cpuMsTotal: PerProcess;
  /**
   * Average cores busy over the phase: the chain's servers (intake, worker, redis, mongo), and everything
   * on the machine that is not this benchmark (other work sharing the cores: the noise).
   */
  coresBusy: { server: number; others: number };
  redisCommandsPerConversion: number;
  /** From `ricochet_mongodb_commands_total`; null when the metric is absent. */
  /** `total` only when every process reported (else null); a process without the counter is null. */
  mongoCommandsPerConversion: { total: number | null; byProcess: Record<string, number | null> } | null;
  mongoCommandsByName: MongoCommandCounts;
  /** serverStatus opcounters delta per conversion, less the probe's own; null when the server has none. */
  mongoOpcountersPerConversion: number | null;
  /**
   * serverStatus `network.bytesIn` / `bytesOut` deltas per conversion: bytes the MongoDB server received
   * from / sent to all its clients, less the probe's own samples; null when the server has none.
   */
  mongoBytesInPerConversion: number | null;
  mongoBytesOutPerConversion: number | null;
  rssMiB: PerProcess;
  /** `used_memory` at the end of the phase; on a cluster, summed over the primaries. */
  redisUsedMemoryMiB: number;
  /** On a Redis Cluster: where the commands ran (`redisCommandsPerConversion` is their sum over every node). */
  redisCluster?: RedisClusterFigures;
  /** Set by main.ts: the product's topology (`2x3`) and Redis. */
  topology?: string;
  redis?: 'single' | 'cluster';
  rssSamples?: Array<{ s: number; intake: number; worker: number }>;
  windowSeconds: number;
}

export interface RedisClusterFigures {
  primariesCommandsPerConversion: number;
  replicasCommandsPerConversion: number;
  /** By first slot, as the cluster was created; `partitions` are the queue partitions it serves. */
  perPrimary: Array<{
    address: string;
    slots: string;
    partitions: number[];
    commandsPerConversion: number;
    usedMemoryMiB: number;
  }>;
  /** Nodes that are replicas at the end of the phase. */
  perReplica: Array<{ address: string; commandsPerConversion: number }>;
}

interface Snapshot {
  at: number;
  cpu: PerProcess;
  machineBusyMs: number;
  redis: RedisSample;
  mongo: MongoCommandCounts;
  mongoServer: ServerStatusSample | null;
}

/** Lets the workers finish the bookkeeping that follows each forward before the closing sample. */
const SETTLE_MS = 1_000;

export async function runPhase(chain: Chain, spec: PhaseSpec, context: PhaseContext): Promise<PhaseResult> {
  const group = context.group;
  const procs = [
    ...Object.values(chain.procs).filter((proc): proc is Proc => proc !== undefined),
    ...Object.values(chain.extraProcs ?? {}).flat(),
  ];
  const ids = Array.from({ length: spec.count }, (_, n) => clickIdOf(group, n));
  await chain.prepare(ids);
  const paths = ids.map((id, n) => chain.postbackPath(id, txidOf(group, n)));

  const rssSamples: PhaseResult['rssSamples'] = spec.sampleRss ? [] : undefined;
  const started = now();
  const sampleRss = (): void => {
    rssSamples?.push({
      s: Math.round((now() - started) / 1000),
      intake: round1(rssMiB(chain.procs.intake?.pid ?? 0)),
      worker: round1(rssMiB(chain.procs.worker?.pid ?? 0)),
    });
  };
  sampleRss();
  const sampler = rssSamples ? setInterval(sampleRss, 5_000) : undefined;
  try {
    return await measure(chain, spec, context, { group, paths, procs, rssSamples });
  } finally {
    clearInterval(sampler);
  }
}

async function measure(
  chain: Chain,
  spec: PhaseSpec,
  context: PhaseContext,
  phase: { group: string; paths: string[]; procs: Proc[]; rssSamples: PhaseResult['rssSamples'] },
): Promise<PhaseResult> {
  const { group, paths, procs, rssSamples } = phase;
  const receiverGroup = receiverGroupOf(group);
  const generator = new LoadGenerator(chain.intakeOrigins ?? chain.intakeOrigin, context.connections);
  let load: LoadResult;
  let before: Snapshot;
  try {
    before = await snapshot(chain);
    load =
      spec.kind === 'burst'
        ? await generator.burst(paths, context.connections)
        : await generator.paced(paths, spec.rate ?? 1);
  } finally {
    await generator.close();
  }
  const accepted = load.status.reduce((count, status) => count + (status === 200 ? 1 : 0), 0);
  context.log(`  sent ${spec.count}, ${accepted} accepted; waiting for the forwards…`);

  // Wait for every accepted postback's forward; give up when nothing new arrived for stallTimeoutMs, or
  // after drainTimeoutMs in all.
  const deadline = load.endedAt + context.drainTimeoutMs;
  let drained = false;
  let seen = -1;
  let lastProgress = now();
  for (;;) {
    assertAlive(procs);
    const progress = await context.receiver.progress(receiverGroup);
    if (progress.unique >= accepted) {
      drained = true;
      break;
    }
    if (progress.unique !== seen) {
      seen = progress.unique;
      lastProgress = now();
    }
    if (now() > deadline || now() - lastProgress > context.stallTimeoutMs) break;
    await sleep(100);
  }
  const drainEnd = now();
  await sleep(SETTLE_MS);
  const after = await snapshot(chain);
  const rss: PerProcess = {};
  for (const role of ROLES) {
    const all = procsOf(chain, role);
    if (all.length > 0) rss[role] = round1(Math.max(...all.map((proc) => rssMiB(proc.pid))));
  }
  rss.loadgen = round1(process.memoryUsage().rss / 2 ** 20);

  const records = await context.receiver.records(receiverGroup);
  return account(chain, spec, group, load, accepted, records, {
    before,
    after,
    drained,
    drainEnd,
    rss,
    rssSamples,
  });
}

async function snapshot(chain: Chain): Promise<Snapshot> {
  const cpu: PerProcess = {};
  for (const role of ROLES) {
    const all = procsOf(chain, role);
    if (all.length > 0) cpu[role] = all.reduce((sum, proc) => sum + cpuMs(proc.pid), 0);
  }
  const usage = process.cpuUsage();
  cpu.loadgen = (usage.user + usage.system) / 1000;
  const machineBusyMs = machineCpuMs().busy;
  const redis = await chain.redis.sample();
  const mongo = await scrapeMongoCommands(chain.metrics);
  const mongoServer = (await chain.opcounters?.sample()) ?? null;
  return { at: now(), cpu, machineBusyMs, redis, mongo, mongoServer };
}

interface Window {
  before: Snapshot;
  after: Snapshot;
  drained: boolean;
  drainEnd: number;
  rss: PerProcess;
  rssSamples: PhaseResult['rssSamples'];
}

function account(
  chain: Chain,
  spec: PhaseSpec,
  group: string,
  load: LoadResult,
  accepted: number,
  records: { ids: string[]; times: number[] },
  window: Window,
): PhaseResult {
  const n = spec.count;
  const firstAt = new Float64Array(n).fill(Number.NaN);
  const received = new Uint32Array(n);
  let unexpected = 0;
  for (let r = 0; r < records.ids.length; r += 1) {
    const index = indexOfExt(group, records.ids[r]);
    if (index < 0 || index >= n) continue;
    received[index] += 1;
    if (received[index] === 1) firstAt[index] = records.times[r];
  }
  const intakeLatencies: number[] = [];
  const forwardLatencies: number[] = [];
  const refused: Record<string, number> = {};
  let lost = 0;
  let duplicateIds = 0;
  let duplicateRequests = 0;
  let unique = 0;
  let firstForward = Number.POSITIVE_INFINITY;
  let lastForward = Number.NEGATIVE_INFINITY;
  let lastAnswer = 0;
  for (let i = 0; i < n; i += 1) {
    intakeLatencies.push(load.doneAt[i] - load.sentAt[i]);
    lastAnswer = Math.max(lastAnswer, load.doneAt[i]);
    const ok = load.status[i] === 200;
    if (!ok) refused[String(load.status[i])] = (refused[String(load.status[i])] ?? 0) + 1;
    if (received[i] === 0) {
      if (ok) lost += 1;
      continue;
    }
    unique += 1;
    if (!ok) unexpected += 1;
    if (received[i] > 1) {
      duplicateIds += 1;
      duplicateRequests += received[i] - 1;
    }
    forwardLatencies.push(firstAt[i] - load.sentAt[i]);
    firstForward = Math.min(firstForward, firstAt[i]);
    lastForward = Math.max(lastForward, firstAt[i]);
  }
  const firstSend = load.sentAt.reduce((min, t) => Math.min(min, t), Number.POSITIVE_INFINITY);

  const { before, after } = window;
  const cpuTotal: PerProcess = {};
  const cpuPer: PerProcess & { server: number } = { server: 0 };
  for (const [name, value] of Object.entries(after.cpu) as [keyof PerProcess, number][]) {
    const delta = value - (before.cpu[name] ?? value);
    cpuTotal[name] = Math.round(delta);
    cpuPer[name] = round3(per(delta, unique));
    if (name !== 'receiver' && name !== 'loadgen') cpuPer.server += delta;
  }
  const serverMs = cpuPer.server;
  cpuPer.server = round3(per(serverMs, unique));
  const windowMs = after.at - before.at;
  const oursMs = Object.values(cpuTotal).reduce((sum, value) => sum + value, 0);
  const coresBusy = {
    server: round2(serverMs / windowMs),
    others: round2(Math.max(0, after.machineBusyMs - before.machineBusyMs - oursMs) / windowMs),
  };

  const mongoDelta = mongoCommandsDelta(before.mongo, after.mongo);
  let mongoPer: PhaseResult['mongoCommandsPerConversion'] = null;
  if (mongoDelta) {
    const byProcess: Record<string, number | null> = {};
    let total: number | null = 0;
    for (const [name, commands] of Object.entries(mongoDelta)) {
      const sum = commands ? sumCounts(commands) : null;
      byProcess[name] = sum === null ? null : round3(per(sum, unique));
      total = total === null || sum === null ? null : total + sum;
    }
    mongoPer = { total: total === null ? null : round3(per(total, unique)), byProcess };
  }
  const server =
    chain.opcounters && before.mongoServer && after.mongoServer
      ? chain.opcounters.between(before.mongoServer, after.mongoServer)
      : null;
  const perConversion = (value: number | null | undefined, round: (v: number) => number): number | null =>
    value === null || value === undefined ? null : round(per(value, unique));

  return {
    chain: chain.name,
    phase: spec.name,
    kind: spec.kind,
    offeredRate: spec.rate ?? null,
    sent: n,
    accepted,
    refused,
    intake: {
      perSecond: Math.round(per(accepted, (lastAnswer - firstSend) / 1000)),
      p50Ms: round1(percentile(intakeLatencies, 50)),
      p99Ms: round1(percentile(intakeLatencies, 99)),
      maxMs: round1(percentile(intakeLatencies, 100)),
    },
    pacerLag: load.lagMs
      ? { p99Ms: round1(percentile(load.lagMs, 99)), maxMs: round1(percentile(load.lagMs, 100)) }
      : null,
    forwarded: {
      unique,
      perSecond: unique > 1 ? Math.round(per(unique - 1, (lastForward - firstForward) / 1000)) : 0,
      firstForwardP50Ms: round1(percentile(forwardLatencies, 50)),
      firstForwardP99Ms: round1(percentile(forwardLatencies, 99)),
      firstForwardMaxMs: round1(percentile(forwardLatencies, 100)),
      lost,
      duplicateIds,
      duplicateRequests,
      unexpected,
      drained: window.drained,
      drainMs: Math.round(Math.max(0, (window.drained ? lastForward : window.drainEnd) - lastAnswer)),
    },
    cpuMsPerConversion: cpuPer,
    cpuMsTotal: cpuTotal,
    coresBusy,
    redisCommandsPerConversion: round3(per(chain.redis.commandsBetween(before.redis, after.redis), unique)),
    mongoCommandsPerConversion: mongoPer,
    mongoCommandsByName: mongoDelta,
    mongoOpcountersPerConversion: perConversion(server?.opcounters, round3),
    mongoBytesInPerConversion: perConversion(server?.bytesIn, round1),
    mongoBytesOutPerConversion: perConversion(server?.bytesOut, round1),
    rssMiB: window.rss,
    redisUsedMemoryMiB: round1(after.redis.usedMemoryMiB),
    ...clusterFigures(chain, before.redis, after.redis, unique),
    ...(window.rssSamples ? { rssSamples: window.rssSamples } : {}),
    windowSeconds: round1((after.at - before.at) / 1000),
  };
}

function clusterFigures(
  chain: Chain,
  before: RedisSample,
  after: RedisSample,
  conversions: number,
): { redisCluster?: RedisClusterFigures } {
  const nodes = chain.redis.nodeCommandsBetween?.(before, after);
  if (!nodes) return {};
  const perConversion = (commands: number): number => round3(per(commands, conversions));
  const sum = (list: typeof nodes): number => list.reduce((total, node) => total + node.commands, 0);
  const primaries = nodes.filter((node) => node.role === 'master');
  const replicas = nodes.filter((node) => node.role !== 'master');
  const layout = chain.redisLayout.primaries ?? [];
  const memory = (address: string): number =>
    round1(after.nodes?.find((node) => node.address === address)?.usedMemoryMiB ?? Number.NaN);
  // As created (by first slot); a node that became a primary since (a failover) goes last.
  const ordered = [
    ...layout.flatMap((primary) => primaries.filter((node) => node.address === primary.address)),
    ...primaries.filter((node) => !layout.some((primary) => primary.address === node.address)),
  ];
  return {
    redisCluster: {
      primariesCommandsPerConversion: perConversion(sum(primaries)),
      replicasCommandsPerConversion: perConversion(sum(replicas)),
      perPrimary: ordered.map((node) => {
        const created = layout.find((primary) => primary.address === node.address);
        return {
          address: node.address,
          slots: created?.slots ?? '?',
          partitions: created?.partitions ?? [],
          commandsPerConversion: perConversion(node.commands),
          usedMemoryMiB: memory(node.address),
        };
      }),
      perReplica: replicas.map((node) => ({
        address: node.address,
        commandsPerConversion: perConversion(node.commands),
      })),
    },
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Every process of a role: the chain's main one and any extra gateways or workers. */
function procsOf(chain: Chain, role: Role): Proc[] {
  const main = chain.procs[role];
  return [...(main ? [main] : []), ...(chain.extraProcs?.[role] ?? [])];
}
