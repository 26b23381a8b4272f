import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { redisServerOnPath } from './redis-server';

/**
 * One `redis-server` child (a data node or, with `--sentinel`, a Sentinel) of a multi-process topology
 * the harness builds (test/support/redis-sentinel.ts, test/support/redis-cluster.ts).
 */
export interface RedisNode {
  host: string;
  port: number;
  readonly running: boolean;
  /** Everything the process printed. */
  output(): string;
  /** A plain client to this process (the caller disconnects it). */
  client(password?: string): Redis;
  /** Kills it (SIGKILL unless told otherwise) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export const LOCALHOST = '127.0.0.1';

export function assertRedisServerOnPath(what: string): void {
  if (!redisServerOnPath()) {
    throw new Error(
      `${what} needs redis-server (and redis-cli) on PATH (apt-get install -y redis-server): it starts a ` +
        'topology of its own, which REDIS_URL or a container cannot give it.',
    );
  }
}

/**
 * Spawns `redis-server <args>` (args may start with a config file) and resolves once it printed
 * `readyText`; rejects with its output if it exits first or is not ready in 15 s.
 */
export async function spawnRedisNode(port: number, args: string[], readyText: string): Promise<RedisNode> {
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = once(child, 'exit');
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(readyText)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    void exited.then(([code, signal]) =>
      reject(new Error(`redis-server on port ${port} exited (${String(code ?? signal)}):\n${output}`)),
    );
  });
  ready.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`redis-server on port ${port} not ready in 15 s:\n${output}`)),
      15_000,
    );
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    host: LOCALHOST,
    port,
    get running() {
      return running();
    },
    output: () => output,
    client: (password?: string) =>
      new Redis({
        host: LOCALHOST,
        port,
        password,
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        retryStrategy: () => null,
      }),
    kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
      if (!running()) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** Runs one command on a fresh client to a node and disconnects. */
export async function nodeCommand<T = unknown>(
  node: Pick<RedisNode, 'client'>,
  password: string | undefined,
  ...args: [string, ...(string | number)[]]
): Promise<T> {
  const client = node.client(password);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.call(...args)) as T;
  } finally {
    client.disconnect();
  }
}

/** `INFO` text → field map. */
export function infoFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colonAt = line.indexOf(':');
    if (colonAt > 0 && !line.startsWith('#')) fields[line.slice(0, colonAt)] = line.slice(colonAt + 1);
  }
  return fields;
}

/**
 * `count` distinct free loopback ports; with `busOffset`, `port + busOffset` is free too (Redis Cluster
 * listens on its bus port, data port + 10000).
 */
export async function freePorts(count: number, busOffset = 0): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries += 1) {
    if (tries > 500) throw new Error(`no ${count} free ports (with +${busOffset}) found`);
    const port = busOffset > 0 ? 20_000 + Math.floor(Math.random() * (65_535 - busOffset - 20_000)) : 0;
    const taken = await listenable(port);
    if (taken === undefined || ports.includes(taken)) continue;
    if (busOffset > 0 && (ports.includes(taken + busOffset) || !(await listenable(taken + busOffset))))
      continue;
    if (busOffset > 0 && ports.some((p) => p + busOffset === taken)) continue;
    ports.push(taken);
  }
  return ports;
}

/** Binds the port (0: any) on loopback and releases it; the bound port, or undefined if it is taken. */
function listenable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, LOCALHOST, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** Polls `probe` until it returns a value other than undefined; rejects naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
