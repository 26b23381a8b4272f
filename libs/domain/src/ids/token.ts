import { randomBytes } from 'node:crypto';

/**
 * A random URL-safe secret: advertiser `postbackToken`s and similar. 32 bytes → 43 base64url
 * characters, so it can sit in a path segment (`/postback/:token`) or a query parameter as is.
 */
export function mintSecretToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16)
    throw new RangeError(`a secret token needs ≥ 16 bytes, got ${bytes}`);
  return randomBytes(bytes).toString('base64url');
}

/**
 * A prefixed opaque id such as `dlv_3kTMd…` for things that are not MongoDB documents (webhook ids,
 * bulk-replay runs). 12 random bytes, URL-safe.
 */
export function newId(prefix: string): string {
  if (!/^[a-z][a-z0-9]{0,15}$/.test(prefix)) {
    throw new RangeError(
      `id prefix must be 1–16 lower-case letters/digits starting with a letter, got "${prefix}"`,
    );
  }
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}
