/**
 * The load generator: GET requests over an undici keep-alive pool, each one's send time, answer time and
 * status recorded. Two shapes:
 * - burst: `connections` loops send back-to-back until `paths` is exhausted;
 * - paced: request n is sent at `start + n / rate` on a timer schedule; if the server falls behind,
 *   requests queue in the pool and their latency counts from the scheduled send, not the wire send.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** Epoch ms with sub-ms resolution; the receiver process uses the same clock. */
export const now = (): number => performance.timeOrigin + performance.now();

export interface LoadResult {
  /** When request i was issued (epoch ms). */
  sentAt: Float64Array;
  /** When its answer had been read (epoch ms). */
  doneAt: Float64Array;
  /** HTTP status, 0 for a transport error. */
  status: Uint16Array;
  /** Paced only: how late each request was issued against its schedule (ms). */
  lagMs?: Float64Array;
  startedAt: number;
  endedAt: number;
}

/** Per-request timeouts, so no request (and so no phase) can hang. */
const REQUEST_TIMEOUT_MS = 30_000;

export class LoadGenerator {
  private readonly pools: Pool[];

  /** With several origins (gateways), request i goes to origin i mod n; the connections are shared out. */
  constructor(origins: string | string[], connections: number) {
    const list = Array.isArray(origins) ? origins : [origins];
    this.pools = list.map(
      (origin) =>
        new Pool(origin, {
          connections: Math.max(1, Math.ceil(connections / list.length)),
          pipelining: 1,
          keepAliveTimeout: 60_000,
          headersTimeout: REQUEST_TIMEOUT_MS,
          bodyTimeout: REQUEST_TIMEOUT_MS,
        }),
    );
  }

  async burst(paths: string[], concurrency: number): Promise<LoadResult> {
    const result = emptyResult(paths.length);
    let next = 0;
    const loop = async (): Promise<void> => {
      while (next < paths.length) {
        const i = next++;
        await this.send(paths[i], i, result);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    result.endedAt = now();
    return result;
  }

  async paced(paths: string[], rate: number): Promise<LoadResult> {
    const result = emptyResult(paths.length);
    const lagMs = new Float64Array(paths.length);
    result.lagMs = lagMs;
    const interval = 1000 / rate;
    const start = now() + 5;
    result.startedAt = start;
    const inFlight: Promise<void>[] = [];
    await new Promise<void>((resolve) => {
      let n = 0;
      const tick = (): void => {
        const t = now();
        while (n < paths.length && start + n * interval <= t) {
          lagMs[n] = t - (start + n * interval);
          inFlight.push(this.send(paths[n], n, result));
          n += 1;
        }
        if (n >= paths.length) {
          resolve();
          return;
        }
        setTimeout(tick, Math.max(0, start + n * interval - now() - 0.5));
      };
      setTimeout(tick, 5);
    });
    await Promise.all(inFlight);
    result.endedAt = now();
    return result;
  }

  private async send(path: string, i: number, result: LoadResult): Promise<void> {
    result.sentAt[i] = now();
    try {
      const pool = this.pools[i % this.pools.length];
      const { statusCode, body } = await pool.request({ method: 'GET', path });
      await body.dump();
      result.status[i] = statusCode;
    } catch {
      result.status[i] = 0;
    }
    result.doneAt[i] = now();
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.close()));
  }
}

function emptyResult(n: number): LoadResult {
  return {
    sentAt: new Float64Array(n),
    doneAt: new Float64Array(n),
    status: new Uint16Array(n),
    startedAt: now(),
    endedAt: 0,
  };
}
