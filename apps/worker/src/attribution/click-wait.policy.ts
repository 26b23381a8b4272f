/** First retry delay of a postback whose click is not found yet. */
export const CLICK_WAIT_FIRST_DELAY_MS = 2_000;
/** Longest delay between two click lookups. */
export const CLICK_WAIT_MAX_DELAY_MS = 60_000;

/**
 * The delay before the next click lookup: 2 s doubling per attempt, capped at 60 s, and
 * never past `waitUntil`, so the last lookup happens right at the deadline. Undefined once the deadline
 * has passed: the postback is then `unattributed`.
 */
export function nextClickLookupDelayMs(attempts: number, now: number, waitUntil: number): number | undefined {
  const left = waitUntil - now;
  if (left <= 0) return undefined;
  const backoff = CLICK_WAIT_FIRST_DELAY_MS * 2 ** Math.min(Math.max(attempts, 0), 10);
  return Math.min(backoff, CLICK_WAIT_MAX_DELAY_MS, left);
}
