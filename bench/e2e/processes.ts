/**
 * Child processes of the end-to-end benchmark: each server runs in its own OS process so its CPU and
 * memory can be read from /proc. Every child is registered and SIGKILLed when the benchmark ends, however
 * it ends (see {@link killAll}, installed by main.ts on exit, SIGINT, SIGTERM and uncaught errors).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port';

export const ROOT = join(__dirname, '..', '..');

/** Output kept per child for error messages: the tail only, so a chatty process cannot grow memory. */
const OUTPUT_TAIL = 32 * 1024;

export interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last {@link OUTPUT_TAIL} characters of stdout and stderr. */
  output(): string;
  /** Whether the process has exited (by itself or killed). */
  exited(): boolean;
}

const live = new Set<Proc>();
const tempDirs = new Set<string>();

/** Spawns a command; an unexpected exit while the benchmark runs is reported by {@link assertAlive}. */
export function spawnProc(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer | string): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
  };
  child.on('error', (error) => append(`\n${error.message}\n`));
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command} (is it on PATH?)`);
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let done = false;
  const proc: Proc = { name, pid: child.pid, child, output: () => output, exited: () => done };
  child.once('exit', () => {
    done = true;
    live.delete(proc);
  });
  live.add(proc);
  return proc;
}

/** A TypeScript entry point of this repository in its own Node process (ts-node, transpile only). */
export function spawnTs(name: string, entry: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return spawnProc(
    name,
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(ROOT, entry), ...args],
    { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
  );
}

/** Throws with the process's output if any of `procs` has exited. */
export function assertAlive(procs: Proc[]): void {
  for (const proc of procs) {
    if (proc.exited()) throw new Error(`${proc.name} (pid ${proc.pid}) exited:\n${proc.output()}`);
  }
}

/** SIGKILLs one child and waits for it (bounded: 5 s). */
export async function kill(proc: Proc): Promise<void> {
  if (proc.exited()) return;
  const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
  proc.child.kill('SIGKILL');
  await Promise.race([exited, sleep(5_000)]);
}

/** Synchronous last resort: SIGKILL every child still running and remove temp dirs. Safe to call twice. */
export function killAll(): void {
  for (const proc of live) {
    try {
      proc.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** A directory removed by {@link killAll}. */
export function registerTempDir(dir: string): void {
  tempDirs.add(dir);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `text` appears in the process's output. */
export async function waitForOutput(proc: Proc, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!proc.output().includes(text)) {
    assertAlive([proc]);
    if (Date.now() > deadline)
      throw new Error(`${proc.name}: no "${text}" within ${timeoutMs} ms:\n${proc.output()}`);
    await sleep(50);
  }
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(proc: Proc, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    assertAlive([proc]);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(`${proc.name}: ${url} not up within ${timeoutMs} ms:\n${proc.output()}`);
    await sleep(200);
  }
}

export interface RedisServer {
  proc: Proc;
  port: number;
  url: string;
}

/**
 * The arguments of a redis-server as production would run it for BullMQ: AOF on with fsync every second,
 * `noeviction`, data in `dir`. Cluster nodes add their `--cluster-*` settings (e2e/redis-cluster.ts).
 */
export function redisServerArgs(port: number, dir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--protected-mode',
    'no',
  ];
}

/** redis-server with {@link redisServerArgs}, data in a temp dir removed at the end. */
export async function startRedis(name: string): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ricochet-bench-redis-'));
  tempDirs.add(dir);
  const proc = spawnProc(name, 'redis-server', redisServerArgs(port, dir), { PATH: process.env.PATH ?? '' });
  await waitForOutput(proc, 'Ready to accept connections', 10_000);
  return { proc, port, url: `redis://127.0.0.1:${port}` };
}
