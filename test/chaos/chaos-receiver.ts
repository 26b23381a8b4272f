import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the partner endpoint saw. */
export interface SeenRequest {
  seq: number;
  path: string;
  /** The `cid` query parameter: the postback's unique click id, rendered by `{ext_click_id}`. */
  cid: string;
  idempotencyKey: string;
  receivedAt: number;
  /** When the receiver answered (undefined: held, or the client went away first). */
  answeredAt?: number;
  status?: number;
  /** The client closed the connection before it got an answer (e.g. the worker was killed). */
  aborted: boolean;
}

/** How to answer one request: now or after `delayMs` with `status` (default 200), or hold it open. */
export type Reply = { status?: number; delayMs?: number } | 'hold';

/** Decides the answer from the request and every earlier request for the same cid. */
export type ReplyPolicy = (request: SeenRequest, earlier: SeenRequest[]) => Reply;

/** What reached the receiver for a set of postbacks that must each be forwarded. */
export interface Tally {
  expected: number;
  /** Cids answered 2xx at least once. */
  delivered: number;
  /** Cids never answered 2xx. */
  lost: string[];
  /** Cid → how many requests reached the receiver beyond the first (aborted ones included). */
  duplicates: Map<string, number>;
  /** Cids answered 2xx more than once: the partner got the conversion twice (its key dedups it). */
  deliveredTwice: string[];
  /** Cids whose requests did not all carry the same Idempotency-Key. */
  keyMismatches: string[];
  /** Requests for cids outside the expected set. */
  strangers: number;
}

/**
 * The partner endpoint of the chaos suites: it records every request with its `cid` and
 * `Idempotency-Key`, answers by a policy that can hold requests open (so a kill lands mid-request),
 * notices clients that went away, and can refuse connections (`refuse()`) and come back on the same
 * port (`accept()`).
 */
export class ChaosReceiver {
  readonly requests: SeenRequest[] = [];
  private policy: ReplyPolicy = () => ({ status: 200 });
  private readonly held = new Map<SeenRequest, ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;

  private constructor(readonly port: number) {}

  static async start(): Promise<ChaosReceiver> {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const receiver = new ChaosReceiver(port);
    await receiver.accept();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get accepting(): boolean {
    return this.server !== undefined;
  }

  /** The endpoint URL template for a source: the cid comes from `{ext_click_id}`. */
  endpointUrl(): string {
    return `${this.url}/pb?cid={ext_click_id}&s={status}`;
  }

  answer(policy: ReplyPolicy): void {
    this.policy = policy;
  }

  /** Requests held open and still connected. */
  open(): SeenRequest[] {
    return [...this.held.keys()];
  }

  /** Answers every held request with `status`. */
  release(status = 200): void {
    for (const [request, res] of this.held) this.reply(request, res, status);
  }

  /** Starts listening on the receiver's port (again). */
  async accept(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
  }

  /** Stops listening and drops every connection: new connections are refused (ECONNREFUSED). */
  async refuse(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.refuse();
  }

  /** Requests for one cid, in arrival order. */
  of(cid: string): SeenRequest[] {
    return this.requests.filter((request) => request.cid === cid);
  }

  /**
   * How long after `at` the last of these ids was requested again (its first request at or after
   * `at`); infinite when one of them never was.
   */
  redeliveredWithinMs(cids: readonly string[], at: number): number {
    return Math.max(
      ...cids.map((cid) => {
        const again = this.of(cid).find((r) => r.receivedAt >= at);
        return again ? again.receivedAt - at : Number.POSITIVE_INFINITY;
      }),
    );
  }

  /** Whether the cid was answered 2xx. */
  delivered(cid: string): boolean {
    return this.requests.some((r) => r.cid === cid && r.status !== undefined && r.status < 300 && !r.aborted);
  }

  tally(expectedCids: Iterable<string>): Tally {
    const expected = new Set(expectedCids);
    const byCid = new Map<string, SeenRequest[]>();
    let strangers = 0;
    for (const request of this.requests) {
      if (!expected.has(request.cid)) {
        strangers += 1;
        continue;
      }
      byCid.set(request.cid, [...(byCid.get(request.cid) ?? []), request]);
    }
    const lost: string[] = [];
    const duplicates = new Map<string, number>();
    const keyMismatches: string[] = [];
    const deliveredTwice: string[] = [];
    let delivered = 0;
    for (const cid of expected) {
      const seen = byCid.get(cid) ?? [];
      const ok = seen.filter((r) => r.status !== undefined && r.status < 300 && !r.aborted).length;
      if (ok > 0) delivered += 1;
      else lost.push(cid);
      if (ok > 1) deliveredTwice.push(cid);
      if (seen.length > 1) duplicates.set(cid, seen.length - 1);
      if (new Set(seen.map((r) => r.idempotencyKey)).size > 1) keyMismatches.push(cid);
    }
    return { expected: expected.size, delivered, lost, duplicates, deliveredTwice, keyMismatches, strangers };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '';
      const query = new URL(path, 'http://receiver').searchParams;
      const request: SeenRequest = {
        seq: this.requests.length,
        path,
        cid: query.get('cid') ?? '',
        idempotencyKey: String(req.headers['idempotency-key'] ?? ''),
        receivedAt: Date.now(),
        aborted: false,
      };
      const earlier = this.of(request.cid);
      this.requests.push(request);
      res.on('close', () => {
        this.held.delete(request);
        if (request.answeredAt === undefined) request.aborted = true;
      });
      const reply = this.policy(request, earlier);
      if (reply === 'hold') {
        this.held.set(request, res);
        return;
      }
      if (!reply.delayMs) {
        this.reply(request, res, reply.status ?? 200);
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.reply(request, res, reply.status ?? 200);
      }, reply.delayMs);
      this.timers.add(timer);
    });
  }

  private reply(request: SeenRequest, res: ServerResponse, status: number): void {
    this.held.delete(request);
    if (res.destroyed || res.writableEnded) return;
    request.answeredAt = Date.now();
    request.status = status;
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status < 300 ? 'ok' : 'try again');
  }
}

/** A tally as one line for assertion messages: lost and duplicate counts with examples. */
export function describeTally(tally: Tally): string {
  const dups = [...tally.duplicates.entries()];
  const extra = dups.reduce((sum, [, n]) => sum + n, 0);
  return (
    `expected ${tally.expected}, delivered ${tally.delivered}, lost ${tally.lost.length}` +
    (tally.lost.length ? ` (e.g. ${tally.lost.slice(0, 5).join(', ')})` : '') +
    `, cids requested more than once ${dups.length} (${extra} extra requests` +
    (dups.length
      ? `, e.g. ${dups
          .slice(0, 5)
          .map(([cid, n]) => `${cid}×${n + 1}`)
          .join(', ')}`
      : '') +
    `), delivered twice ${tally.deliveredTwice.length}, Idempotency-Key mismatches ${tally.keyMismatches.length}, requests for unknown cids ${tally.strangers}`
  );
}
