/** Stored per endpoint (the worker keeps it in Redis). `tokens` may be fractional. */
export interface TokenBucketState {
  tokens: number;
  updatedAtMs: number;
}

export interface TokenBucketResult {
  allowed: boolean;
  /** 0 when allowed; otherwise how long until one whole token is available. */
  waitMs: number;
  state: TokenBucketState;
}

/** Default burst for a rate: one second's worth, at least one request. */
export function defaultBurst(ratePerSec: number): number {
  return Math.max(1, Math.ceil(ratePerSec));
}

/**
 * Token-bucket step for an endpoint's `maxRps`: refill `ratePerSec` tokens per second up to `burst`,
 * then take one if there is one. This is the reference for the worker's Redis Lua script, which must
 * compute exactly this atomically.
 *
 * - A missing state means a full bucket (an idle endpoint may burst).
 * - A refusal does not consume anything; the caller delays the job by `waitMs` without spending an
 *   attempt (BullMQ `moveToDelayed` + `DelayedError`).
 * - A clock that went backwards (workers on different hosts) refills nothing rather than draining.
 * - Over a window T the endpoint sees at most `burst + ratePerSec × T` requests, so with the default
 *   burst a 60 s window overshoots the rate by at most 1/60 ≈ 1.7 %.
 */
export function tokenBucketTake(
  state: TokenBucketState | undefined,
  nowMs: number,
  ratePerSec: number,
  burst: number = defaultBurst(ratePerSec),
): TokenBucketResult {
  if (!(ratePerSec > 0) || !Number.isFinite(ratePerSec)) {
    throw new RangeError(`ratePerSec must be a finite number > 0, got ${ratePerSec}`);
  }
  if (!(burst >= 1) || !Number.isFinite(burst))
    throw new RangeError(`burst must be a finite number ≥ 1, got ${burst}`);

  const elapsed = state ? Math.max(0, nowMs - state.updatedAtMs) : 0;
  const start = state ? Math.min(burst, state.tokens) : burst;
  const tokens = Math.min(burst, start + (elapsed * ratePerSec) / 1000);
  const updatedAtMs = state ? Math.max(nowMs, state.updatedAtMs) : nowMs;

  if (tokens >= 1) return { allowed: true, waitMs: 0, state: { tokens: tokens - 1, updatedAtMs } };
  return {
    allowed: false,
    waitMs: Math.ceil(((1 - tokens) * 1000) / ratePerSec),
    state: { tokens, updatedAtMs },
  };
}
