import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { redisServerOnPath } from './redis-server';

/**
 * A `redis-server` a chaos suite owns alone (it flushes, stops and restarts it, which must never touch
 * the harness Redis other suites share). Its data directory is a fresh temp dir; with `appendOnly` it
 * runs with AOF, so a restart on the same port (`stop('SIGTERM')` then `start()`) brings the data back.
 */
export interface RedisInstance {
  url: string;
  port: number;
  dir: string;
  readonly running: boolean;
  /** Everything every run of the server printed. */
  output(): string;
  /** Starts it (again) on the same port and directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it with the signal (SIGTERM: a clean shutdown that flushes the AOF) and waits for the exit. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills it if it runs and deletes its directory. */
  destroy(): Promise<void>;
}

export async function startRedisInstance(options: { appendOnly?: boolean } = {}): Promise<RedisInstance> {
  if (!redisServerOnPath()) {
    throw new Error(
      'This suite needs redis-server on PATH (apt-get install -y redis-server): it stops and restarts ' +
        'a Redis of its own, which REDIS_URL or a container cannot give it.',
    );
  }
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ricochet-redis-'));
  let child: ChildProcess | undefined;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  let output = '';

  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--protected-mode',
    'no',
  ];

  const start = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    exited = once(proc, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    const ready = new Promise<void>((resolve, reject) => {
      let seen = '';
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        seen += chunk.toString();
        if (seen.includes('Ready to accept connections')) resolve();
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      void exited?.then(({ code, signal }) =>
        reject(new Error(`redis-server on port ${port} exited (${code ?? signal}):\n${seen}`)),
      );
    });
    ready.catch(() => undefined); // a late exit after a timeout is reported by the race below
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis-server on port ${port} not ready in 15 s`)), 15_000);
    });
    try {
      await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const stop = async (
    signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
    if (!child || !exited) return { code: null, signal: null };
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    output: () => output,
    start,
    stop,
    destroy: async () => {
      await stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
