const MS_PER_DAY = 86_400_000;

/** The default attribution window of an offer (attributionWindowDays, default 30). */
export const DEFAULT_ATTRIBUTION_WINDOW_DAYS = 30;

/**
 * True when the postback arrived more than `windowDays` after the click. A postback exactly at the
 * window's end still counts, and one stamped before its click (clock skew between hosts) is never
 * expired. `windowDays` may be fractional; it must be positive and finite (RangeError otherwise).
 */
export function isClickExpired(clickCreatedAt: Date, receivedAt: Date, windowDays: number): boolean {
  if (!Number.isFinite(windowDays) || windowDays <= 0) {
    throw new RangeError(`isClickExpired: windowDays must be a positive number, got ${windowDays}`);
  }
  return receivedAt.getTime() - clickCreatedAt.getTime() > windowDays * MS_PER_DAY;
}
