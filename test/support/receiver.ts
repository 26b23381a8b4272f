import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver saw, in arrival order. */
export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent on the request line (still percent-encoded). */
  path: string;
  /** Lower-case header names, as Node parses them. */
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text ('' when there is none). */
  body: string;
  receivedAt: Date;
  /** The client's source port: equal ports mean a kept-alive connection was reused. */
  remotePort: number;
}

/** How the receiver answers one request. Defaults: 200, no extra headers, body `ok`. */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (to provoke client timeouts); cancelled by `stop()`. */
  delayMs?: number;
}

export interface Receiver {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every request so far; the array is live. */
  requests: RecordedRequest[];
  /** Resolves with the first `n` requests once that many arrived; rejects after `timeoutMs`. */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Queues answers for the next requests, in order; once the queue is empty the default answer is used. */
  respondWith(...responses: ScriptedResponse[]): void;
  stop(): Promise<void>;
}

/**
 * A recording HTTP receiver on 127.0.0.1 for tests: it records every request, answers from a script
 * (then 200 `ok`), and keeps connections alive like a real partner would. `stop()` drops open
 * connections and pending delayed answers, so suites end promptly.
 *
 * ```ts
 * const receiver = await startReceiver([{ status: 500 }, { status: 200 }]);
 * // … point an endpoint at `${receiver.url}/pb?x={sub1}` …
 * const [first, second] = await receiver.waitForRequests(2);
 * await receiver.stop();
 * ```
 */
export async function startReceiver(script: ScriptedResponse[] = []): Promise<Receiver> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();

  const answer = (res: ServerResponse, response: ScriptedResponse): void => {
    res.writeHead(response.status ?? 200, { 'content-type': 'text/plain', ...response.headers });
    res.end(response.body ?? 'ok');
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: new Date(),
        remotePort: req.socket.remotePort ?? 0,
      });
      for (const wake of waiters) wake();
      const response = queue.shift() ?? {};
      if (!response.delayMs) {
        answer(res, response);
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer(res, response);
      }, response.delayMs);
      timers.add(timer);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith: (...responses) => {
      queue.push(...responses);
    },
    waitForRequests: (n, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (requests.length < n) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(requests.slice(0, n));
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`receiver got ${requests.length} of ${n} requests within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(wake);
        check();
      }),
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
