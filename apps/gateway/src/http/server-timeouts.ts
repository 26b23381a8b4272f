import type { RicochetConfig } from '@ricochet/config';

/**
 * How often Node checks open connections against `requestTimeout` and `headersTimeout`. Node's default
 * (30 s) lets a slow client overrun a 30 s request timeout by up to 30 s more; checking every second
 * keeps the overrun to about a second for a negligible cost (one pass over the open sockets).
 */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

/** The fastify server options that bound slow and idle clients (slowloris, trickled bodies). */
export interface ServerTimeoutOptions {
  requestTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
  http: { requestTimeout: number; headersTimeout: number; connectionsCheckingInterval: number };
}

/**
 * From HTTP_REQUEST_TIMEOUT, HTTP_HEADERS_TIMEOUT and HTTP_KEEPALIVE_TIMEOUT:
 * - `requestTimeout`: the whole request (headers and body) must arrive within it, else 408 and close;
 * - `headersTimeout`: the headers must arrive within it (never more than the request timeout: Node
 *   refuses that combination);
 * - `connectionTimeout`: a socket silent for this long mid-request is closed (same value as the request
 *   timeout; an idle kept-alive socket is governed by `keepAliveTimeout` instead);
 * - `keepAliveTimeout`: how long an idle kept-alive connection stays open (65 s, above the 60 s idle
 *   timeout of common load balancers, so the balancer closes first).
 */
export function serverTimeouts(gateway: RicochetConfig['gateway']): ServerTimeoutOptions {
  const requestTimeout = gateway.requestTimeoutMs;
  return {
    requestTimeout,
    connectionTimeout: requestTimeout,
    keepAliveTimeout: gateway.keepAliveTimeoutMs,
    http: {
      requestTimeout,
      headersTimeout: Math.min(gateway.headersTimeoutMs, requestTimeout),
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
  };
}
