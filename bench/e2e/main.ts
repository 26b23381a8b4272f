/**
 * `npm run bench:e2e`: the product's whole job — postback in, forwarded request out at a receiver —
 * next to a bare ceiling chain measured in the same run, every server in its own process. See
 * bench/README.md, "End to end". Progress goes to stderr; the report (Markdown tables) to stdout and
 * a JSON file under bench/results/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { freePort } from '../../test/support/free-port';
import { redisServerOnPath } from '../../test/support/redis-server';
import { ensureBuilt } from './build';
import { startCeiling } from './ceiling';
import { spawnCompiled } from './compile';
import type { Chain, RedisLayout } from './chain';
import { type Options, parseOptions, type Topology, topologyName, USAGE, UsageError } from './options';
import { type PhaseContext, type PhaseResult, type PhaseSpec, runPhase } from './phase';
import { clkTck, machine } from './proc-stats';
import { killAll, ROOT, waitForOutput } from './processes';
import type { ProbeCalibration } from './probes';
import { startProduct } from './product';
import { ReceiverClient } from './receiver-client';
import { renderReport } from './report';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function phaseSpecs(options: Options, chain: Chain['name']): PhaseSpec[] {
  const specs: PhaseSpec[] = [];
  if (options.burst > 0) specs.push({ name: 'burst', kind: 'burst', count: options.burst });
  for (const rate of options.rates) {
    specs.push({ name: `${rate}/s`, kind: 'paced', rate, count: rate * options.seconds });
  }
  if (chain === 'product' && options.soak > 0) {
    specs.push({ name: 'soak', kind: 'paced', rate: options.soakRate, count: options.soak, sampleRss: true });
  }
  return specs;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

function redisVersion(): string {
  try {
    const text = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
    return /v=(\S+)/.exec(text)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function summaryLine(result: PhaseResult): string {
  const f = result.forwarded;
  return (
    `  ${result.chain}${result.topology ? ` ${result.topology}` : ''} ${result.phase}: intake ${result.intake.perSecond}/s (p99 ${result.intake.p99Ms} ms), ` +
    `forwarded ${f.unique}/${result.accepted} at ${f.perSecond}/s (p50 ${f.firstForwardP50Ms} ms, ` +
    `p99 ${f.firstForwardP99Ms} ms), lost ${f.lost}, dup ${f.duplicateIds}, ` +
    `server CPU ${result.cpuMsPerConversion.server} ms/conv`
  );
}

/** One product topology's run: which Redis it had (the cluster's primaries and their partitions). */
interface TopologyRun {
  topology: string;
  gateways: number;
  workers: number;
  redis: RedisLayout;
  /** The serverStatus probe's own bytes per sample, subtracted from the MongoDB bytes; or why it had none. */
  mongoProbe: ProbeCalibration | { unavailable: string } | null;
  phases: string[];
  skippedPhases: string[];
}

/**
 * Starts one chain (the product with `topology`), runs the warm-up and every phase against it, and
 * stops it. `tag` keeps the phases' ids apart from every other chain's and topology's.
 */
async function runChain(
  name: Chain['name'],
  options: Options,
  run: { receiver: ReceiverClient; runTag: string; results: PhaseResult[]; skipped: string[] },
  product?: { topology: Topology; index: number; runs: TopologyRun[] },
): Promise<void> {
  const topology = product ? topologyName(product.topology) : undefined;
  const label = topology && showTopologies(options) ? `${name} ${topology}` : name;
  log(`== ${label}: starting its processes${name === 'product' ? ` (Redis: ${redisMode(options)})` : ''}`);
  const chain = product
    ? await startProduct(run.receiver, {
        ...product.topology,
        redis: options.redis,
        ...(options.partitions !== undefined ? { partitions: options.partitions } : {}),
      })
    : await startCeiling(run.receiver, options.concurrency);
  if (chain.redisLayout.primaries) {
    log(
      `  cluster primaries (slots: queue partitions): ${chain.redisLayout.primaries
        .map((p) => `${p.address} (${p.slots}: ${p.partitions.map((i) => `p${i}`).join(' ') || 'none'})`)
        .join(', ')}`,
    );
  }
  const probe = chain.opcounters;
  if (probe) {
    const own = probe.calibration;
    log(
      probe.unavailable
        ? `  MongoDB serverStatus: ${probe.unavailable}`
        : `  MongoDB serverStatus probe: ${own.bytesInPerSample ?? 'n/a'} B in / ${own.bytesOutPerSample ?? 'n/a'} B out ` +
            `per sample (subtracted; ${own.quietPairs} of ${own.pairs} calibration pairs quiet)`,
    );
  }
  let entry: TopologyRun | undefined;
  if (product && topology) {
    entry = {
      topology,
      ...product.topology,
      redis: chain.redisLayout,
      mongoProbe: probe ? (probe.unavailable ? { unavailable: probe.unavailable } : probe.calibration) : null,
      phases: [],
      skippedPhases: [],
    };
    product.runs.push(entry);
  }
  const tag = `${run.runTag}${name[0]}${product ? `${product.index}t` : ''}`;
  const context = (group: string): PhaseContext => ({
    group: `${tag}${group}`,
    connections: options.connections,
    drainTimeoutMs: options.drainTimeoutS * 1000,
    stallTimeoutMs: options.stallTimeoutS * 1000,
    receiver: run.receiver,
    log,
  });
  try {
    if (options.warmup > 0) {
      log(`${label} warm-up (not reported): ${options.warmup} postbacks`);
      const warm = await runPhase(
        chain,
        { name: 'warm-up', kind: 'burst', count: options.warmup },
        context('w'),
      );
      log(summaryLine({ ...warm, topology }));
    }
    const specs = phaseSpecs(options, name);
    for (const [index, spec] of specs.entries()) {
      log(`${label} ${spec.name}: ${spec.count} postbacks${spec.rate ? ` at ${spec.rate}/s` : ''}`);
      const measured = await runPhase(chain, spec, context(String(index)));
      const result: PhaseResult = product ? { ...measured, topology, redis: options.redis } : measured;
      run.results.push(result);
      entry?.phases.push(spec.name);
      log(summaryLine(result));
      if (!result.forwarded.drained) {
        // Later phases would measure this one's backlog.
        const rest = specs.slice(index + 1).map((later) => `${label} ${later.name}`);
        run.skipped.push(...rest);
        entry?.skippedPhases.push(...specs.slice(index + 1).map((later) => later.name));
        if (rest.length > 0) log(`  ${label} ${spec.name} did not drain: skipping ${rest.join(', ')}`);
        break;
      }
    }
  } finally {
    await chain.stop();
  }
}

/** Whether results name their topology: several, or one that is not 1 × 1. */
function showTopologies(options: Options): boolean {
  return options.topologies.length > 1 || options.topologies.some((t) => topologyName(t) !== '1x1');
}

function redisMode(options: Options): string {
  const partitions = options.partitions !== undefined ? `, QUEUE_PARTITIONS=${options.partitions}` : '';
  return options.redis === 'cluster'
    ? `Redis Cluster of 3 primaries + 3 replicas${partitions}`
    : `one redis-server${partitions}`;
}

async function run(options: Options): Promise<void> {
  if (!redisServerOnPath()) throw new Error('redis-server is not on PATH: apt-get install -y redis-server');
  if (options.chains.includes('product')) ensureBuilt(options.build, log);

  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  const receiverPort = await freePort();
  const receiverProc = spawnCompiled('receiver', 'receiver.ts', [String(receiverPort)]);
  await waitForOutput(receiverProc, 'listening');
  const receiver = new ReceiverClient(receiverProc, `http://127.0.0.1:${receiverPort}`);
  const runTag = Date.now().toString(36);

  const results: PhaseResult[] = [];
  const skipped: string[] = [];
  const topologyRuns: TopologyRun[] = [];
  for (const name of options.chains) {
    if (name === 'ceiling') {
      await runChain(name, options, { receiver, runTag, results, skipped });
      continue;
    }
    for (const [index, topology] of options.topologies.entries()) {
      await runChain(
        name,
        options,
        { receiver, runTag, results, skipped },
        { topology, index, runs: topologyRuns },
      );
    }
  }
  const unattributed = (await receiver.summary()).unattributed;

  const report = renderReport(results, { showTopology: showTopologies(options) });
  const box = machine();
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'apps', 'libs']) !== '';
  const mongo = process.env.MONGO_URL ? 'MONGO_URL' : 'in-repo stand-in (own process)';
  const header =
    `bench:e2e ${startedAt.toISOString()} — commit ${commit}${dirty ? ' + uncommitted changes in apps/ libs/' : ''}; ` +
    `${box.nproc} cores (${box.cpu}), ${box.memGiB} GiB, Node ${box.node}, Redis ${redisVersion()} ` +
    `(AOF everysec), MongoDB: ${mongo}; product on ${redisMode(options)}` +
    (options.redis === 'cluster' && options.chains.includes('ceiling')
      ? ' (the ceiling on one redis-server)'
      : '') +
    `; ${options.connections} connections, warm-up ${options.warmup}, ` +
    `burst ${options.burst}, ` +
    `paced ${options.rates.join(', ') || 'none'}/s × ${options.seconds} s` +
    (options.soak > 0 ? `, soak ${options.soak} at ${options.soakRate}/s` : '') +
    (showTopologies(options)
      ? `, product ${options.topologies.map((t) => `${t.gateways} gateway(s) × ${t.workers} worker(s)`).join(', then ')}`
      : '') +
    `; CPU from /proc at ${1000 / clkTck()} ms resolution; load average ${loadBefore.toFixed(1)} at start, ` +
    `${loadavg()[0].toFixed(1)} at end` +
    (unattributed > 0 ? `; receiver got ${unattributed} requests without a benchmark id` : '') +
    (skipped.length > 0 ? `; skipped (a phase before did not drain): ${skipped.join(', ')}` : '');
  process.stdout.write(`\n${header}\n\n${report}\n`);

  const out =
    options.out ??
    join(ROOT, 'bench', 'results', `e2e-${startedAt.toISOString().slice(0, 19).replace(/:/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const json = {
    startedAt: startedAt.toISOString(),
    commit,
    uncommittedChangesInAppsOrLibs: dirty,
    machine: { ...box, redis: redisVersion(), clkTck: clkTck() },
    loadAverage1m: { start: loadBefore, end: loadavg()[0] },
    mongo,
    options,
    receiverUnattributedRequests: unattributed,
    skippedPhases: skipped,
    product: topologyRuns,
    results,
  };
  writeFileSync(out, await formatJson(json, out));
  process.stdout.write(`\nJSON: ${relative(process.cwd(), out)}\n`);
}

/** Formatted as the repository's prettier config would, so `prettier --check` stays clean. */
async function formatJson(value: unknown, path: string): Promise<string> {
  const text = JSON.stringify(value, null, 2);
  try {
    return await format(text, { ...(await resolveConfig(path)), parser: 'json' });
  } catch {
    return `${text}\n`;
  }
}

function fail(error: unknown): never {
  log(`bench:e2e failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  killAll();
  process.exit(1);
}

function main(): void {
  let options: Options | 'help';
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // Every child is killed however the benchmark ends.
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      killAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  run(options).then(() => {
    killAll();
    process.exit(0);
  }, fail);
}

main();
