import { createHmac, timingSafeEqual } from 'node:crypto';

/** Query parameters that carry an inbound signature; they are left out of the signed payload. */
export const POSTBACK_SIGNATURE_PARAMS = ['sig', 'signature'] as const;

/**
 * The bytes an advertiser signs, so both sides agree without re-encoding anything:
 * - a request with a non-empty body (POST form or JSON): the raw body exactly as received; the
 *   signature then travels in a header or in the query string;
 * - otherwise (GET): the raw query string without its leading `?`, with every `sig`/`signature`
 *   parameter removed and all other parameters kept in their order and their original
 *   percent-encoding (`a=1&b=x%20y`, not a re-serialised form).
 *
 * Why raw bytes: decoding and re-encoding differs between stacks (`+` vs `%20`, key order), and a
 * signature over a normalised form would fail for reasons the advertiser cannot see.
 */
export function postbackSigningPayload(input: {
  rawQuery: string;
  rawBody?: string | Buffer;
}): string | Buffer {
  if (input.rawBody !== undefined && input.rawBody.length > 0) return input.rawBody;
  const query = input.rawQuery.startsWith('?') ? input.rawQuery.slice(1) : input.rawQuery;
  return query
    .split('&')
    .filter((pair) => pair !== '' && !isSignatureParam(pair.split('=', 1)[0]))
    .join('&');
}

/** HMAC-SHA256 of the payload as lower-case hex: what an advertiser computes (docs and tests). */
export function computePostbackSignature(secret: string, payload: string | Buffer): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(payload).digest('hex');
}

/**
 * Verifies an advertiser's HMAC-SHA256 signature over {@link postbackSigningPayload}. The key is
 * the advertiser's `signingSecret` as UTF-8 bytes. The signature may be hex (any case) or base64 /
 * base64url, optionally prefixed `sha256=`. Constant-time comparison; anything malformed is false.
 */
export function verifyPostbackSignature(input: {
  secret: string;
  payload: string | Buffer;
  signature: string;
}): boolean {
  if (input.secret === '') return false;
  const given = decodeSignature(input.signature);
  if (!given) return false;
  const expected = createHmac('sha256', Buffer.from(input.secret, 'utf8')).update(input.payload).digest();
  return timingSafeEqual(given, expected);
}

function decodeSignature(signature: string): Buffer | undefined {
  const value = signature.trim().replace(/^sha256=/i, '');
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  // 32 bytes are 43 base64 characters plus one '=' of padding; Node decodes both alphabets.
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    return bytes.length === 32 ? bytes : undefined;
  }
  return undefined;
}

function isSignatureParam(rawName: string): boolean {
  let name = rawName;
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' '));
  } catch {
    // A malformed escape cannot be a signature parameter name; keep it in the payload.
  }
  return (POSTBACK_SIGNATURE_PARAMS as readonly string[]).includes(name.toLowerCase());
}
