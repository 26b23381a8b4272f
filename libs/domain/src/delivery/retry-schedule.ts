import { MAX_RETRY_AFTER_MS } from './retry-after';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Default delays between attempts: entry `i` is the wait after failed attempt `i + 1`.
 * 11 retries → 12 attempts in all, spanning ≈ 99 h 36 m (Standard Webhooks' example stretched past
 * 72 h, so a receiver down over a long weekend still gets its conversions).
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  10 * SECOND,
  1 * MINUTE,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
  24 * HOUR,
]);

/** Jitter is up to this share of the delay… */
export const JITTER_RATIO = 0.1;
/** …and never more than this, so long delays stay predictable (Hook0's bound). */
export const MAX_JITTER_MS = 15 * MINUTE;
/** Bounds for a configured schedule: 50 attempts over at most 30 days. */
export const MAX_SCHEDULE_RETRIES = 49;
export const MAX_SCHEDULE_SPAN_MS = 30 * DAY;

/** A duration or retry schedule that cannot be used; the message names the bad token and the fix. */
export class InvalidDurationError extends Error {
  override readonly name = 'InvalidDurationError';
}

const UNITS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * Parses `500ms`, `10s`, `5m`, `2h`, `1d`, `1.5h` or a compound like `1h30m` into milliseconds.
 * A bare number is refused: "30" could mean seconds or minutes, and a wrong guess silently shifts
 * every retry.
 */
export function parseDuration(token: string): number {
  const value = token.trim().toLowerCase();
  if (!DURATION.test(value)) {
    throw new InvalidDurationError(
      `INVALID_DURATION: "${token}" must be a number followed by a unit (ms, s, m, h, d), e.g. "30s" or "1h30m"`,
    );
  }
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART)) total += Number(amount) * UNITS[unit];
  return Math.round(total);
}

/** Formats milliseconds compactly in the syntax {@link parseDuration} reads: `1h30m`, `10s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`duration must be a finite number ≥ 0, got ${ms}`);
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
    ['s', SECOND],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

/**
 * Parses a comma-separated retry schedule (`"10s,1m,5m,30m,2h"`) for configuration. Each entry must
 * be > 0; at most {@link MAX_SCHEDULE_RETRIES} entries spanning at most 30 days. Errors name the
 * offending entry and its position.
 */
export function parseRetrySchedule(text: string): number[] {
  const tokens = text.split(',').map((t) => t.trim());
  if (tokens.length === 1 && tokens[0] === '') {
    throw new InvalidDurationError(
      'INVALID_RETRY_SCHEDULE: the schedule is empty; list delays like "10s,1m,5m"',
    );
  }
  const schedule = tokens.map((token, i) => {
    let ms: number;
    try {
      ms = parseDuration(token);
    } catch (err) {
      throw new InvalidDurationError(
        `INVALID_RETRY_SCHEDULE: entry ${i + 1} ${(err as Error).message.replace(/^INVALID_DURATION: /, '')}`,
      );
    }
    if (ms <= 0)
      throw new InvalidDurationError(
        `INVALID_RETRY_SCHEDULE: entry ${i + 1} "${token}" must be greater than 0`,
      );
    return ms;
  });
  if (schedule.length > MAX_SCHEDULE_RETRIES) {
    throw new InvalidDurationError(
      `INVALID_RETRY_SCHEDULE: ${schedule.length} retries; at most ${MAX_SCHEDULE_RETRIES} (50 attempts) are allowed`,
    );
  }
  const span = scheduleSpanMs(schedule);
  if (span > MAX_SCHEDULE_SPAN_MS) {
    throw new InvalidDurationError(
      `INVALID_RETRY_SCHEDULE: the schedule spans ${formatDuration(span)}; at most 30d is allowed`,
    );
  }
  return schedule;
}

/** Formats a schedule back into the config syntax: `"10s,1m,5m"`. */
export function formatRetrySchedule(schedule: readonly number[]): string {
  return schedule.map(formatDuration).join(',');
}

/** Attempts a delivery gets in all: the first one plus one per schedule entry. */
export function totalAttempts(schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS): number {
  return schedule.length + 1;
}

/** Time from the first attempt to the last retry, without jitter. */
export function scheduleSpanMs(schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS): number {
  return schedule.reduce((sum, ms) => sum + ms, 0);
}

export interface NextRetryInput {
  /** Automatic attempts already made, including the one that just failed (≥ 1). */
  attemptsMade: number;
  schedule?: readonly number[];
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
  /** Retry-After from a 429/503 (see `parseRetryAfter`); other statuses must not pass it. */
  retryAfterMs?: number;
}

/**
 * Delay before the next automatic attempt, or `null` when the schedule is exhausted (→ `dead`).
 *
 * 1. base = `schedule[attemptsMade - 1]`.
 * 2. A Retry-After raises it: delay = max(base, min(retryAfter, 24 h)). It never lowers it, and an
 *    exhausted schedule stays exhausted whatever the receiver asks for.
 * 3. Jitter is additive only: + random × min(10 % of the delay, 15 min). Because it is added on top,
 *    the result is never earlier than the schedule nor than Retry-After, while deliveries throttled by
 *    the same Retry-After still spread out instead of returning in one burst.
 *
 * Manual replays are not counted in `attemptsMade`; they do not consume the automatic budget.
 */
export function nextRetryDelayMs(input: NextRetryInput): number | null {
  const { attemptsMade, schedule = DEFAULT_RETRY_SCHEDULE_MS, random = Math.random, retryAfterMs } = input;
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be an integer ≥ 1, got ${attemptsMade}`);
  }
  if (attemptsMade > schedule.length) return null;
  const base = schedule[attemptsMade - 1];
  const floor =
    retryAfterMs !== undefined && Number.isFinite(retryAfterMs)
      ? Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS)
      : 0;
  const delay = Math.max(base, floor);
  const r = Math.min(Math.max(random(), 0), 1);
  return delay + Math.floor(r * Math.min(delay * JITTER_RATIO, MAX_JITTER_MS));
}
