import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './free-port';

/** A `redis-server` child process owned by the test harness. */
export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function redisServerOnPath(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Spawns `redis-server` on loopback with no persistence and the eviction policy BullMQ requires.
 * Resolves once the server accepts connections; pass `port` to come back on a known port after a kill.
 */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
      '--protected-mode',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForReady(child, port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stopChild(child),
  };
}

async function waitForReady(child: ChildProcess, port: number): Promise<void> {
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`redis-server on port ${port} exited with ${code}: ${output}`)),
    );
    child.once('error', reject);
  });
  const timeout = new Promise<never>((_, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server on port ${port} not ready in 10 s: ${output}`)),
      10_000,
    );
    timer.unref();
  });
  await Promise.race([ready, timeout]);
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume();
  child.stderr?.resume();
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
