import { randomBytes } from 'node:crypto';

/** Bytes of randomness in a minted click id: 128 bits, above the ≥ 96 the design asks for. */
export const CLICK_ID_BYTES = 16;
/** Length of a minted click id: 16 bytes in unpadded base64url. */
export const CLICK_ID_LENGTH = 22;
/** Longest externally registered click id accepted (gclid-style ids run to ~100 characters). */
export const MAX_EXTERNAL_CLICK_ID_LENGTH = 128;

const MINTED = /^[A-Za-z0-9_-]{22}$/;
// RFC 3986 "unreserved": survives a URL macro, a query string and a log line without escaping.
const EXTERNAL = /^[A-Za-z0-9._~-]+$/;

/**
 * Mints a click id: 22 characters of unpadded base64url from 16 CSPRNG bytes. URL-safe without
 * encoding, unguessable (a postback cannot be forged for someone else's click by guessing) and
 * under the 32-character limit some traffic sources put on their macros.
 */
export function mintClickId(): string {
  return randomBytes(CLICK_ID_BYTES).toString('base64url');
}

/** True for the shape {@link mintClickId} produces. */
export function isMintedClickId(value: string): boolean {
  return MINTED.test(value);
}

/**
 * Accepts click ids minted elsewhere (`POST /api/clicks`) and received on postbacks: 1–128
 * characters of `A–Z a–z 0–9 . _ ~ -`. That covers Voluum, Binom, Keitaro, RedTrack and Everflow
 * ids (alphanumeric or hex, 10–40 characters), UUIDs and ad-network ids like gclid/fbclid, while
 * refusing anything that would need escaping in a postback URL — whitespace, `&`, `=`, `%`, `{}` —
 * which in practice means an unexpanded macro (`{clickid}`, `${SUBID}`) was sent instead of an id.
 */
export function isValidClickIdFormat(value: string): boolean {
  return value.length >= 1 && value.length <= MAX_EXTERNAL_CLICK_ID_LENGTH && EXTERNAL.test(value);
}
