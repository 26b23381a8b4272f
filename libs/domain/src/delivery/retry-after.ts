/** Retry-After hints above this are cut down, so a receiver cannot park a delivery for a month. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

// An HTTP-date in any of the three RFC 9110 §5.6.7 forms names a month and has an hh:mm:ss time.
const HTTP_DATE_SHAPE =
  /^[A-Za-z]{3,9},? .*\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b.*\b\d{2}:\d{2}:\d{2}\b/;

/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3) into milliseconds from `now`.
 *
 * - delta-seconds (`"120"`) → 120 000;
 * - HTTP-date (`"Wed, 21 Oct 2026 07:28:00 GMT"`, also RFC 850 and asctime forms) → the time until it;
 *   a date in the past → 0 ("now");
 * - both capped at {@link MAX_RETRY_AFTER_MS} (24 h);
 * - absent, empty, negative, fractional or otherwise unparsable → undefined (ignored, never an error).
 */
export function parseRetryAfter(header: string | undefined, now: Date): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  if (!HTTP_DATE_SHAPE.test(value)) return undefined;
  // HTTP-dates are always UTC; asctime omits the zone and Date.parse would read it as local time.
  const at = Date.parse(/\b(GMT|UTC)\b/i.test(value) ? value : `${value} GMT`);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now.getTime()), MAX_RETRY_AFTER_MS);
}
