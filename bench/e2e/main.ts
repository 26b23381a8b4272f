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
import type { Chain } from './chain';
import { type Options, parseOptions, USAGE, UsageError } from './options';
import { type PhaseContext, type PhaseResult, type PhaseSpec, runPhase } from './phase';
import { clkTck, machine } from './proc-stats';
import { killAll, ROOT, waitForOutput } from './processes';
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
    `  ${result.chain} ${result.phase}: intake ${result.intake.perSecond}/s (p99 ${result.intake.p99Ms} ms), ` +
    `forwarded ${f.unique}/${result.accepted} at ${f.perSecond}/s (p50 ${f.firstForwardP50Ms} ms, ` +
    `p99 ${f.firstForwardP99Ms} ms), lost ${f.lost}, dup ${f.duplicateIds}, ` +
    `server CPU ${result.cpuMsPerConversion.server} ms/conv`
  );
}

/** Starts one chain, runs the warm-up and every phase against it, and stops it. */
async function runChain(
  name: Chain['name'],
  options: Options,
  run: { receiver: ReceiverClient; runTag: string; results: PhaseResult[]; skipped: string[] },
): Promise<void> {
  log(`== ${name}: starting its processes`);
  const chain =
    name === 'product'
      ? await startProduct(run.receiver, { gateways: options.gateways, workers: options.workers })
      : await startCeiling(run.receiver, options.concurrency);
  const context = (group: string): PhaseContext => ({
    group: `${run.runTag}${name[0]}${group}`,
    connections: options.connections,
    drainTimeoutMs: options.drainTimeoutS * 1000,
    stallTimeoutMs: options.stallTimeoutS * 1000,
    receiver: run.receiver,
    log,
  });
  try {
    if (options.warmup > 0) {
      log(`${name} warm-up (not reported): ${options.warmup} postbacks`);
      log(
        summaryLine(
          await runPhase(chain, { name: 'warm-up', kind: 'burst', count: options.warmup }, context('w')),
        ),
      );
    }
    const specs = phaseSpecs(options, name);
    for (const [index, spec] of specs.entries()) {
      log(`${name} ${spec.name}: ${spec.count} postbacks${spec.rate ? ` at ${spec.rate}/s` : ''}`);
      const result = await runPhase(chain, spec, context(String(index)));
      run.results.push(result);
      log(summaryLine(result));
      if (!result.forwarded.drained) {
        // Later phases would measure this one's backlog.
        const rest = specs.slice(index + 1).map((later) => `${name} ${later.name}`);
        run.skipped.push(...rest);
        if (rest.length > 0) log(`  ${name} ${spec.name} did not drain: skipping ${rest.join(', ')}`);
        break;
      }
    }
  } finally {
    await chain.stop();
  }
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
  for (const name of options.chains) {
    await runChain(name, options, { receiver, runTag, results, skipped });
  }
  const unattributed = (await receiver.summary()).unattributed;

  const report = renderReport(results);
  const box = machine();
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'apps', 'libs']) !== '';
  const mongo = process.env.MONGO_URL ? 'MONGO_URL' : 'in-repo stand-in (own process)';
  const header =
    `bench:e2e ${startedAt.toISOString()} — commit ${commit}${dirty ? ' + uncommitted changes in apps/ libs/' : ''}; ` +
    `${box.nproc} cores (${box.cpu}), ${box.memGiB} GiB, Node ${box.node}, Redis ${redisVersion()} ` +
    `(AOF everysec), MongoDB: ${mongo}; ${options.connections} connections, warm-up ${options.warmup}, ` +
    `burst ${options.burst}, ` +
    `paced ${options.rates.join(', ') || 'none'}/s × ${options.seconds} s` +
    (options.soak > 0 ? `, soak ${options.soak} at ${options.soakRate}/s` : '') +
    (options.gateways > 1 || options.workers > 1
      ? `, product ${options.gateways} gateway(s) × ${options.workers} worker(s)`
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
