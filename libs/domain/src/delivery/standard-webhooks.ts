import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Receivers reject signatures older or newer than this (the Standard Webhooks reference value). */
export const WEBHOOK_TOLERANCE_SEC = 5 * 60;

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A signing secret that cannot be used; raised when signing, so reject it when the endpoint is saved. */
export class InvalidSigningSecretError extends Error {
  override readonly name = 'InvalidSigningSecretError';
}

/**
 * The HMAC key for a secret.
 * - `whsec_<base64>`: the base64 part decoded (Standard Webhooks; what its receiver libraries expect).
 * - anything else: the UTF-8 bytes of the string as typed. Partners that verify with their own
 *   `hmac(secret, …)` code expect this; note that the official Standard Webhooks libraries would
 *   base64-decode such a secret instead, so give those receivers a `whsec_` secret.
 */
export function signingKey(secret: string): Buffer {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    if (secret === '') throw new InvalidSigningSecretError('INVALID_SIGNING_SECRET: the secret is empty');
    return Buffer.from(secret, 'utf8');
  }
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
    throw new InvalidSigningSecretError(
      'INVALID_SIGNING_SECRET: the part after "whsec_" must be standard base64 (24–64 random bytes)',
    );
  }
  return Buffer.from(encoded, 'base64');
}

/** A fresh `whsec_` secret of 32 random bytes, for endpoints created without one. */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64');
}

export interface SignInput {
  /** `webhook-id`: the delivery id, stable across retries so receivers can deduplicate. */
  id: string;
  /** Unix seconds of this attempt (re-signed on every attempt). */
  timestampSec: number;
  /** The exact request body bytes as sent; `''` for a GET. */
  body: string | Buffer;
  secret: string;
}

/**
 * Standard Webhooks signature headers: `webhook-signature` is `v1,` + base64 HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` with the key from {@link signingKey}.
 */
export function signStandardWebhook(input: SignInput): StandardWebhookHeaders {
  if (!Number.isInteger(input.timestampSec) || input.timestampSec < 0) {
    throw new RangeError(`timestampSec must be whole unix seconds, got ${input.timestampSec}`);
  }
  const timestamp = String(input.timestampSec);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${hmacBase64(signingKey(input.secret), input.id, timestamp, input.body)}`,
  };
}

/**
 * Receiver-side check (used by the test receiver and the preview tool): accepts when any
 * space-separated `v1,` signature matches and the timestamp is within ±{@link WEBHOOK_TOLERANCE_SEC}.
 */
export function verifyStandardWebhook(input: {
  headers: Partial<StandardWebhookHeaders>;
  body: string | Buffer;
  secret: string;
  nowSec: number;
  toleranceSec?: number;
}): boolean {
  const { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures } = input.headers;
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(input.nowSec - Number(timestamp)) > (input.toleranceSec ?? WEBHOOK_TOLERANCE_SEC))
    return false;
  const expected = Buffer.from(hmacBase64(signingKey(input.secret), id, timestamp, input.body), 'base64');
  return signatures.split(' ').some((entry) => {
    const [version, sig] = entry.split(',', 2);
    if (version !== 'v1' || !sig) return false;
    const given = Buffer.from(sig, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function hmacBase64(key: Buffer, id: string, timestamp: string, body: string | Buffer): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}
