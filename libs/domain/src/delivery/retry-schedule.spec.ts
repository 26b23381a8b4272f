import {
  DEFAULT_RETRY_SCHEDULE_MS,
  InvalidDurationError,
  MAX_JITTER_MS,
  formatDuration,
  formatRetrySchedule,
  nextRetryDelayMs,
  parseDuration,
  parseRetrySchedule,
  scheduleSpanMs,
  totalAttempts,
} from './retry-schedule';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('DEFAULT_RETRY_SCHEDULE_MS', () => {
  it('gives at least 12 attempts in all', () => {
    expect(totalAttempts()).toBeGreaterThanOrEqual(12);
  });

  it('spans at least 72 hours without counting jitter', () => {
    expect(scheduleSpanMs()).toBeGreaterThanOrEqual(72 * H);
  });

  it('starts fast and backs off to a day', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS.slice(0, 4)).toEqual([10 * S, 1 * M, 5 * M, 30 * M]);
    expect(DEFAULT_RETRY_SCHEDULE_MS.at(-1)).toBe(24 * H);
    expect(formatRetrySchedule(DEFAULT_RETRY_SCHEDULE_MS)).toBe('10s,1m,5m,30m,2h,5h,10h,14h,20h,1d,1d');
  });

  it('never shrinks from one retry to the next', () => {
    DEFAULT_RETRY_SCHEDULE_MS.slice(1).forEach((ms, i) =>
      expect(ms).toBeGreaterThanOrEqual(DEFAULT_RETRY_SCHEDULE_MS[i]),
    );
  });

  it('cannot be modified by a caller', () => {
    expect(Object.isFrozen(DEFAULT_RETRY_SCHEDULE_MS)).toBe(true);
  });
});

describe('parseDuration and formatDuration', () => {
  it.each([
    ['250ms', 250],
    ['10s', 10 * S],
    ['5m', 5 * M],
    ['2h', 2 * H],
    ['1d', 24 * H],
    ['1.5h', 90 * M],
    ['1h30m', 90 * M],
    [' 2H ', 2 * H],
  ])('reads %s as %d ms', (token, ms) => {
    expect(parseDuration(token)).toBe(ms);
  });

  it.each(['30', '10x', '', 'm', '-5s', '1h 30m', '1e3s'])(
    'refuses "%s" with a message naming it',
    (token) => {
      expect(() => parseDuration(token)).toThrow(InvalidDurationError);
      expect(() => parseDuration(token)).toThrow(`"${token}" must be a number followed by a unit`);
    },
  );

  it.each([
    [0, '0s'],
    [250, '250ms'],
    [10 * S, '10s'],
    [90 * S, '1m30s'],
    [26 * H + 5 * S, '1d2h5s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [1, 999, 61_001, 3 * H + 7 * M, 5 * 24 * H])
      expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it('refuses a negative duration', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
  });
});

describe('parseRetrySchedule', () => {
  it('parses a comma-separated list', () => {
    expect(parseRetrySchedule('10s, 1m,5m,30m,2h')).toEqual([10 * S, M, 5 * M, 30 * M, 2 * H]);
  });

  it('names the position and token of a bad entry', () => {
    expect(() => parseRetrySchedule('10s,1m,5x')).toThrow(
      'INVALID_RETRY_SCHEDULE: entry 3 "5x" must be a number',
    );
  });

  it('refuses a zero delay', () => {
    expect(() => parseRetrySchedule('10s,0s')).toThrow('entry 2 "0s" must be greater than 0');
  });

  it('refuses an empty schedule and an empty entry', () => {
    expect(() => parseRetrySchedule('')).toThrow('the schedule is empty');
    expect(() => parseRetrySchedule('10s,,1m')).toThrow('entry 2 ""');
  });

  it('refuses more than 49 retries', () => {
    expect(() => parseRetrySchedule(Array(50).fill('1m').join(','))).toThrow('at most 49');
  });

  it('refuses a schedule spanning more than 30 days', () => {
    expect(() => parseRetrySchedule('20d,11d')).toThrow('spans 31d; at most 30d');
  });
});

describe('nextRetryDelayMs', () => {
  const noJitter = (): number => 0;

  it('uses the schedule entry for the number of attempts made', () => {
    expect(nextRetryDelayMs({ attemptsMade: 1, random: noJitter })).toBe(10 * S);
    expect(nextRetryDelayMs({ attemptsMade: 2, random: noJitter })).toBe(1 * M);
    expect(nextRetryDelayMs({ attemptsMade: 11, random: noJitter })).toBe(24 * H);
  });

  it('returns null once the schedule is exhausted, so the delivery goes dead', () => {
    expect(nextRetryDelayMs({ attemptsMade: totalAttempts(), random: noJitter })).toBeNull();
    expect(nextRetryDelayMs({ attemptsMade: 2, schedule: [S], random: noJitter })).toBeNull();
  });

  it('adds up to 10 % jitter and never shortens the delay', () => {
    expect(nextRetryDelayMs({ attemptsMade: 3, random: () => 0.5 })).toBe(5 * M + 15 * S);
    expect(nextRetryDelayMs({ attemptsMade: 3, random: () => 0.999999 })).toBeLessThanOrEqual(5 * M * 1.1);
    for (let i = 0; i < 200; i++) {
      const delay = nextRetryDelayMs({ attemptsMade: 4 })!;
      expect(delay).toBeGreaterThanOrEqual(30 * M);
      expect(delay).toBeLessThanOrEqual(33 * M);
    }
  });

  it('caps jitter at 15 minutes on long delays', () => {
    expect(nextRetryDelayMs({ attemptsMade: 10, random: () => 1 })).toBe(24 * H + MAX_JITTER_MS);
  });

  it('clamps a misbehaving random source into [0, 1]', () => {
    expect(nextRetryDelayMs({ attemptsMade: 1, random: () => -3 })).toBe(10 * S);
    expect(nextRetryDelayMs({ attemptsMade: 1, random: () => 7 })).toBe(11 * S);
  });

  it('raises the delay to Retry-After when the receiver asks for more than the schedule', () => {
    expect(nextRetryDelayMs({ attemptsMade: 1, retryAfterMs: 120 * S, random: noJitter })).toBe(120 * S);
  });

  it('keeps jitter above the Retry-After floor, never below it', () => {
    const delay = nextRetryDelayMs({ attemptsMade: 1, retryAfterMs: 120 * S, random: () => 0.5 });
    expect(delay).toBe(126 * S);
    for (let i = 0; i < 100; i++) {
      expect(nextRetryDelayMs({ attemptsMade: 1, retryAfterMs: 120 * S })!).toBeGreaterThanOrEqual(120 * S);
    }
  });

  it('ignores a Retry-After shorter than the schedule', () => {
    expect(nextRetryDelayMs({ attemptsMade: 5, retryAfterMs: 5 * S, random: noJitter })).toBe(2 * H);
  });

  it('caps Retry-After at 24 hours', () => {
    expect(nextRetryDelayMs({ attemptsMade: 1, retryAfterMs: 30 * 24 * H, random: noJitter })).toBe(24 * H);
  });

  it('does not extend an exhausted schedule because of Retry-After', () => {
    expect(nextRetryDelayMs({ attemptsMade: 12, retryAfterMs: 60 * S })).toBeNull();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attemptsMade = %p', (attemptsMade) => {
    expect(() => nextRetryDelayMs({ attemptsMade })).toThrow(RangeError);
  });
});
