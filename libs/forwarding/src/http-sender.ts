import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import {
  checkDestinationUrl,
  makeGuardedLookup,
  parseCidrList,
  type SsrfPolicy,
} from '@ricochet/domain/network';
import { Agent, request } from 'undici';
import type { ForwardMethod } from '@ricochet/domain/model';

/** Bytes of a response body read by default: what an attempt keeps as its snippet. */
export const SNIPPET_BYTES = 2048;
/** Most bytes read when an endpoint's `successBodyMatch` needs more of the body. */
export const MAX_MATCH_BYTES = 64 * 1024;

export interface OutgoingRequest {
  url: string;
  method: ForwardMethod;
  headers: Record<string, string>;
  body?: string;
  /** How much of the response body to read (default {@link SNIPPET_BYTES}, at most {@link MAX_MATCH_BYTES}). */
  readBytes?: number;
}

interface Timing {
  startedAt: Date;
  durationMs: number;
}

export type SendResult =
  | (Timing & {
      kind: 'response';
      status: number;
      headers: Record<string, string | string[] | undefined>;
      /** The first `readBytes` of the body, UTF-8 decoded. */
      body: string;
    })
  | (Timing & { kind: 'error'; error: unknown });

/**
 * The one HTTP client of the worker: a keep-alive pool per origin, connect and total
 * timeouts, no redirects (undici's `request` never follows them), and the SSRF guard both before the
 * request (`checkDestinationUrl`, which judges IP literals Node never resolves) and inside the
 * connection (a guarded `lookup`, so the address checked is the address dialled).
 */
@Injectable()
export class HttpSender implements OnModuleInit, OnApplicationShutdown {
  private agent?: Agent;
  private policy: SsrfPolicy = { allowPrivate: false, allowlist: [] };

  constructor(@InjectConfig() private readonly config: RicochetConfig) {}

  onModuleInit(): void {
    const { allowPrivate, allowlist, connectTimeoutMs, totalTimeoutMs } = this.config.forwarding;
    this.policy = { allowPrivate, allowlist: parseCidrList(allowlist) };
    this.agent = new Agent({
      connect: { timeout: connectTimeoutMs, lookup: makeGuardedLookup(this.policy) },
      headersTimeout: totalTimeoutMs,
      bodyTimeout: totalTimeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /** Sends one request. Never throws: a failure before a response comes back as `kind: 'error'`. */
  async send(outgoing: OutgoingRequest): Promise<SendResult> {
    const startedAt = new Date();
    const elapsed = (): number => Date.now() - startedAt.getTime();
    try {
      checkDestinationUrl(outgoing.url, this.policy);
      const response = await request(outgoing.url, {
        dispatcher: this.dispatcher(),
        method: outgoing.method,
        headers: outgoing.headers,
        body: outgoing.body,
        signal: AbortSignal.timeout(this.config.forwarding.totalTimeoutMs),
      });
      const limit = Math.min(Math.max(outgoing.readBytes ?? SNIPPET_BYTES, 0), MAX_MATCH_BYTES);
      const body = await readPrefix(response.body, limit);
      return {
        kind: 'response',
        status: response.statusCode,
        headers: response.headers,
        body,
        startedAt,
        durationMs: elapsed(),
      };
    } catch (error) {
      return { kind: 'error', error, startedAt, durationMs: elapsed() };
    }
  }

  // After the workers have drained (they close in onModuleDestroy), so in-flight requests can finish.
  async onApplicationShutdown(): Promise<void> {
    await this.agent?.close();
  }

  private dispatcher(): Agent {
    if (!this.agent) throw new Error('HttpSender used before module init');
    return this.agent;
  }
}

type Body = AsyncIterable<Buffer> & { dump(opts?: { limit: number }): Promise<void> };

/**
 * Reads at most `limit` bytes. Leaving the loop early destroys the stream (the socket is dropped rather
 * than drained: a partner's huge error page is not worth reading to reuse one connection).
 */
async function readPrefix(body: Body, limit: number): Promise<string> {
  if (limit === 0) {
    await body.dump({ limit: MAX_MATCH_BYTES });
    return '';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
