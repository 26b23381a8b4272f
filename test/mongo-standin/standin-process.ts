import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');

/** The stand-in CLI (main.ts) running in a process of its own, as the demo, benchmarks and chaos tests run it. */
export interface StandinProcess {
  child: ChildProcess;
  /** From its "listening on" line. */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Settles once the process ended and its output was read to the end. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends it whatever state it is in (a SIGSTOPped process needs SIGCONT first) and waits for the exit. */
  kill(): Promise<void>;
  /**
   * Sends SIGSTOP and resolves once the kernel reports the process stopped (state T in /proc, Linux).
   * Signals are delivered asynchronously: a SIGCONT sent before the stop took effect would cancel it.
   */
  freeze(): Promise<void>;
}

/** Node has no event for a child being stopped, so /proc is read until it says so; bounded. */
async function stopped(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state …": the state follows the last ')', since comm may contain spaces or parens.
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Spawns main.ts and resolves once it prints its "listening on" line; rejects if it exits first. */
export async function spawnStandinProcess(args: string[] = ['--port', '0']): Promise<StandinProcess> {
  const child = spawn(
    process.execPath,
    [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'test/mongo-standin/main.ts', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close' rather than 'exit': it comes once stdout is drained, so output() holds the last lines.
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const lines = createInterface({ input: child.stdout });
  const url = new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      output += `${line}\n`;
      const match = /listening on (mongodb:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`stand-in exited (${code ?? signal}) before listening:\n${output}`)),
    );
  });
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  };
  const freeze = async (): Promise<void> => {
    child.kill('SIGSTOP');
    await stopped(child.pid!);
  };
  try {
    return { child, url: await url, output: () => output, exited, kill, freeze };
  } catch (error) {
    await kill();
    throw error;
  }
}
