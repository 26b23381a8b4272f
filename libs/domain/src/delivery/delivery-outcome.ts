import { isForbiddenDestinationError } from '../network/forbidden-destination.error';
import type { BodyMatcher } from '../security/linear-pattern';
import type { DeliveryErrorClass } from './error-classes';
import { parseRetryAfter } from './retry-after';

/** What one HTTP attempt means for its delivery. */
export type DeliveryOutcome =
  | { kind: 'delivered' }
  | {
      kind: 'retry';
      errorClass: DeliveryErrorClass;
      /** Earliest next attempt the response demands, in ms (Retry-After, or the 429 floor). */
      retryAfterMs?: number;
    }
  | { kind: 'permanent'; errorClass: DeliveryErrorClass }
  | { kind: 'gone' };

export type RetryOutcome = Extract<DeliveryOutcome, { kind: 'retry' }>;
export type PermanentOutcome = Extract<DeliveryOutcome, { kind: 'permanent' }>;

/**
 * A 429 without a usable Retry-After still waits at least this long (Svix's overload penalty). A 429 that
 * says how long to wait is taken at its word, within the 24 h cap.
 */
export const THROTTLED_MIN_DELAY_MS = 60_000;

export interface ResponseFacts {
  status: number;
  /** Response body, already truncated by the client; only read when `successBodyMatch` is set. */
  body?: string;
  /**
   * Endpoint's success check for 2xx bodies (admin-supplied; run on the truncated body only). Build it
   * with `LinearPattern.compile`: a receiver's body must never be matched by a backtracking engine. A
   * `RegExp` still works (tests, old callers) but gets no such guarantee.
   */
  successBodyMatch?: BodyMatcher;
  /** Response headers as undici returns them (lower-case names); looked up case-insensitively. */
  headers: Record<string, string | string[] | undefined>;
  /** Clock for HTTP-date Retry-After values; defaults to the current time. */
  now?: Date;
}

/**
 * Classifies an HTTP response:
 * - 2xx → delivered, unless `successBodyMatch` does not match → permanent `body_mismatch`;
 * - 3xx → permanent `redirect` (redirects are never followed: they could point anywhere, SSRF included);
 * - 408 → retry `http_408`; 429 → retry `http_429` after its Retry-After, or {@link THROTTLED_MIN_DELAY_MS} without one;
 * - 410 → gone (delivery dead, endpoint disabled);
 * - other 4xx → permanent `http_4xx`;
 * - 5xx → retry `http_5xx`; a 503's Retry-After is honoured;
 * - anything else (no final status in 200–599) → retry `network_error`.
 *
 * Retry-After is read only on 429 and 503: elsewhere it is not a throttling signal.
 */
export function classifyResponse(facts: ResponseFacts): DeliveryOutcome {
  const { status } = facts;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    return { kind: 'retry', errorClass: 'network_error' };
  }
  if (status < 300) {
    if (facts.successBodyMatch && !matches(facts.successBodyMatch, facts.body ?? '')) {
      return { kind: 'permanent', errorClass: 'body_mismatch' };
    }
    return { kind: 'delivered' };
  }
  if (status < 400) return { kind: 'permanent', errorClass: 'redirect' };
  if (status === 410) return { kind: 'gone' };
  if (status === 408) return { kind: 'retry', errorClass: 'http_408' };
  if (status === 429) {
    const hint = retryAfterOf(facts);
    return {
      kind: 'retry',
      errorClass: 'http_429',
      retryAfterMs: hint ?? THROTTLED_MIN_DELAY_MS,
    };
  }
  if (status < 500) return { kind: 'permanent', errorClass: 'http_4xx' };
  const hint = status === 503 ? retryAfterOf(facts) : undefined;
  return hint === undefined
    ? { kind: 'retry', errorClass: 'http_5xx' }
    : { kind: 'retry', errorClass: 'http_5xx', retryAfterMs: hint };
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ABORT_ERR',
]);
const TIMEOUT_NAMES = new Set([
  'AbortError',
  'TimeoutError',
  'ConnectTimeoutError',
  'HeadersTimeoutError',
  'BodyTimeoutError',
]);
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const DNS_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'ENODATA',
  'ESERVFAIL',
  'EREFUSED',
  'ETIMEOUT', // c-ares spelling, distinct from the socket's ETIMEDOUT
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_)|CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH/;

/**
 * Classifies an error thrown instead of a response (undici or Node socket/DNS/TLS errors). Looks
 * through `cause` chains (fetch's "fetch failed") and `AggregateError.errors` (happy-eyeballs).
 *
 * Only {@link ForbiddenDestinationError} is permanent (`ssrf_blocked`). Everything else retries —
 * `timeout`, `connect_error`, `connection_reset`, `dns_error` (a missing record is often a DNS
 * outage or a propagating change), `tls_error` (a receiver can renew its certificate), and
 * `network_error` for the unknown — because infrastructure faults never kill a delivery.
 */
export function classifyNetworkError(err: unknown): RetryOutcome | PermanentOutcome {
  const chain = errorChain(err);
  if (chain.some(isForbiddenDestinationError)) return { kind: 'permanent', errorClass: 'ssrf_blocked' };
  for (const e of chain) {
    const errorClass = classOf(e);
    if (errorClass) return { kind: 'retry', errorClass };
  }
  return { kind: 'retry', errorClass: 'network_error' };
}

function matches(pattern: BodyMatcher, body: string): boolean {
  if (!(pattern instanceof RegExp)) return pattern.test(body);
  // A copy without g/y: a shared RegExp's lastIndex would otherwise make every other test fail.
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).test(body);
}

function retryAfterOf(facts: ResponseFacts): number | undefined {
  const entry = Object.entries(facts.headers).find(([name]) => name.toLowerCase() === 'retry-after');
  const value = Array.isArray(entry?.[1]) ? entry[1][0] : entry?.[1];
  return parseRetryAfter(value, facts.now ?? new Date());
}

type ErrorLike = { name?: unknown; code?: unknown; cause?: unknown; errors?: unknown };

function errorChain(root: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const queue: unknown[] = [root];
  // Bounded: a cyclic cause chain must not hang the worker.
  while (queue.length > 0 && out.length < 16) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || out.includes(e)) continue;
    const like = e as ErrorLike;
    out.push(like);
    if (like.cause !== undefined) queue.push(like.cause);
    if (Array.isArray(like.errors)) queue.push(...(like.errors as unknown[]));
  }
  return out;
}

function classOf(e: ErrorLike): DeliveryErrorClass | undefined {
  const code = typeof e.code === 'string' ? e.code : '';
  const name = typeof e.name === 'string' ? e.name : '';
  if (TIMEOUT_CODES.has(code) || TIMEOUT_NAMES.has(name)) return 'timeout';
  if (DNS_CODES.has(code)) return 'dns_error';
  if (CONNECT_CODES.has(code)) return 'connect_error';
  if (RESET_CODES.has(code)) return 'connection_reset';
  if (code !== '' && TLS_CODE.test(code)) return 'tls_error';
  return undefined;
}
