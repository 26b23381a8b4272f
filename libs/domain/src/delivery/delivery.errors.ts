/**
 * Machine error classes written on every failed DeliveryAttempt (`errorClass`) and used as metric
 * labels. Stable strings: dashboards and replay filters depend on them.
 */
export const DELIVERY_ERROR_CLASSES = [
  'http_5xx',
  'http_429',
  'http_408',
  'http_4xx',
  'redirect', // 3xx: never followed
  'body_mismatch', // 2xx whose body failed successBodyMatch
  'gone', // 410: endpoint auto-disabled
  'timeout',
  'connect_error', // refused / unreachable
  'connection_reset', // reset, broken pipe, socket closed mid-request
  'dns_error',
  'tls_error',
  'ssrf_blocked',
  'network_error', // anything else below HTTP
] as const;
export type DeliveryErrorClass = (typeof DELIVERY_ERROR_CLASSES)[number];

/** A failed attempt that should be tried again later; the worker schedules the next retry. */
export class RetryableDeliveryError extends Error {
  override readonly name: string = 'RetryableDeliveryError';
  readonly permanent = false;

  constructor(
    readonly errorClass: DeliveryErrorClass,
    message: string,
    /** Earliest next attempt the receiver asked for (Retry-After), in ms from now. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * A failed attempt that retrying cannot fix (4xx, redirect, body mismatch, SSRF): the delivery goes
 * `dead` at once. The worker maps it to BullMQ's `UnrecoverableError`.
 */
export class PermanentDeliveryError extends Error {
  override readonly name: string = 'PermanentDeliveryError';
  readonly permanent = true;

  constructor(
    readonly errorClass: DeliveryErrorClass,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The endpoint answered 410 Gone: the delivery is dead and the endpoint is disabled (Standard
 * Webhooks etiquette). A PermanentDeliveryError, so code that only knows "permanent" still stops.
 */
export class EndpointGoneError extends PermanentDeliveryError {
  override readonly name: string = 'EndpointGoneError';

  constructor(message = 'endpoint answered 410 Gone; it is disabled until an admin re-enables it') {
    super('gone', message);
  }
}
