import { createHmac, timingSafeEqual } from 'node:crypto';

/** Query parameters that carry an inbound signature; they are left out of the signed query string. */
export const POSTBACK_SIGNATURE_PARAMS = ['sig', 'signature'] as const;

/** The query parameter that carries a `v1` signature's timestamp when the sender cannot set headers. */
export const POSTBACK_TIMESTAMP_PARAM = 'ts';

/**
 * How an advertiser signs postbacks:
 * - `v1` (the default): HMAC-SHA256 over {@link canonicalPostbackString} — timestamp, method, path,
 *   query string and body — so a signature covers the whole request and expires;
 * - `legacy-body`: the older body-only scheme ({@link postbackSigningPayload}), kept only for
 *   advertisers switched to it explicitly; no replay window, and a signed body refuses unsigned
 *   query parameters.
 */
export const POSTBACK_SIGNATURE_SCHEMES = ['v1', 'legacy-body'] as const;
export type PostbackSignatureScheme = (typeof POSTBACK_SIGNATURE_SCHEMES)[number];

/** What a `v1` signature covers, each part exactly as sent on the wire. */
export interface PostbackRequestParts {
  /** Unix seconds, as sent (`X-Timestamp` or `ts=`). */
  timestamp: string;
  /** `GET` or `POST`, upper case. */
  method: string;
  /** The request path as sent, before `?`, percent-encoding untouched (`/postback/k3Jd…`). */
  path: string;
  /** The query string as sent, without `?`; the signature parameters are removed here. */
  rawQuery: string;
  /** The body bytes as sent; empty or absent for GET. */
  rawBody?: string | Buffer;
}

/**
 * The `v1` string to sign, UTF-8, parts joined by a line feed:
 *
 * ```
 * <timestamp>\n<METHOD>\n<path>\n<query without sig/signature>\n<raw body>
 * ```
 *
 * e.g. `1767225600\nPOST\n/postback/k3Jd…\nts=1767225600&event=ftd\n{"click_id":"c1"}`. Nothing is
 * decoded or re-encoded; the query loses only its `sig`/`signature` pieces ({@link signedQueryString}).
 */
export function canonicalPostbackString(parts: PostbackRequestParts): Buffer {
  const head = `${parts.timestamp}\n${parts.method.toUpperCase()}\n${parts.path}\n${signedQueryString(parts.rawQuery)}\n`;
  const body = parts.rawBody ?? '';
  return Buffer.concat([Buffer.from(head, 'utf8'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}

/**
 * The query string a signature covers: the raw query (a leading `?` dropped) split on `&`, every piece
 * whose name — the text before its first `=`, percent-decoded, `+` read as a space, compared
 * case-insensitively — is `sig` or `signature` removed, and the other pieces joined again with `&` in
 * their order and encoding, empty pieces included. So a sender signs its query, then appends
 * `&sig=<hex>`.
 */
export function signedQueryString(rawQuery: string): string {
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  if (query === '') return '';
  return query
    .split('&')
    .filter((pair) => !isSignatureParam(pair.split('=', 1)[0]))
    .join('&');
}

/**
 * A `v1` timestamp: unix seconds as 1–12 decimal digits, nothing else.
 * @returns the value in ms, or undefined when malformed.
 */
export function parseSignatureTimestamp(value: string): number | undefined {
  return /^[0-9]{1,12}$/.test(value) ? Number(value) * 1000 : undefined;
}

/**
 * The legacy (`legacy-body`) bytes an advertiser signs, so both sides agree without re-encoding anything:
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
 * Verifies an advertiser's HMAC-SHA256 signature over a payload ({@link canonicalPostbackString} for
 * `v1`, {@link postbackSigningPayload} for `legacy-body`). The key is
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
