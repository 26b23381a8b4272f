import { type TokenBucketState, defaultBurst, tokenBucketTake } from './token-bucket';

const T0 = 1_800_000_000_000;

describe('tokenBucketTake', () => {
  it('lets an idle endpoint burst up to the bucket size, then refuses', () => {
    let state: TokenBucketState | undefined;
    const allowed: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const r = tokenBucketTake(state, T0, 5, 5);
      allowed.push(r.allowed);
      state = r.state;
    }
    expect(allowed).toEqual([true, true, true, true, true, false]);
  });

  it('says how long until the next token when it refuses', () => {
    const r = tokenBucketTake({ tokens: 0, updatedAtMs: T0 }, T0, 10, 10);
    expect(r).toEqual({ allowed: false, waitMs: 100, state: { tokens: 0, updatedAtMs: T0 } });
  });

  it('counts partial refill in the wait', () => {
    expect(tokenBucketTake({ tokens: 0, updatedAtMs: T0 }, T0 + 40, 10, 10).waitMs).toBe(60);
  });

  it('refills at the configured rate', () => {
    const r = tokenBucketTake({ tokens: 0, updatedAtMs: T0 }, T0 + 250, 4, 4);
    expect(r.allowed).toBe(true);
    expect(r.state.tokens).toBeCloseTo(0);
  });

  it('never refills beyond the burst', () => {
    const r = tokenBucketTake({ tokens: 0, updatedAtMs: T0 }, T0 + 3_600_000, 2, 3);
    expect(r.state.tokens).toBe(2);
  });

  it('supports rates below one per second', () => {
    const first = tokenBucketTake(undefined, T0, 0.5);
    expect(first.allowed).toBe(true);
    const second = tokenBucketTake(first.state, T0 + 1000, 0.5);
    expect(second).toMatchObject({ allowed: false, waitMs: 1000 });
    expect(tokenBucketTake(second.state, T0 + 2000, 0.5).allowed).toBe(true);
  });

  it('does not drain or rewind when a worker clock is behind', () => {
    const r = tokenBucketTake({ tokens: 0.5, updatedAtMs: T0 }, T0 - 5000, 1, 1);
    expect(r).toEqual({ allowed: false, waitMs: 500, state: { tokens: 0.5, updatedAtMs: T0 } });
  });

  it('keeps the observed rate within 2 % of the limit over a minute of saturation', () => {
    const rate = 50;
    let state: TokenBucketState | undefined;
    let sent = 0;
    for (let now = T0; now < T0 + 60_000; now += 1) {
      for (;;) {
        const r = tokenBucketTake(state, now, rate);
        state = r.state;
        if (!r.allowed) break;
        sent++;
      }
    }
    expect(sent).toBeLessThanOrEqual(rate * 60 * 1.02);
    expect(sent).toBeGreaterThanOrEqual(rate * 60);
  });

  it('defaults the burst to one second of traffic, at least one', () => {
    expect(defaultBurst(20)).toBe(20);
    expect(defaultBurst(2.5)).toBe(3);
    expect(defaultBurst(0.1)).toBe(1);
  });

  it.each([
    [0, 1],
    [-1, 1],
    [Number.NaN, 1],
    [Number.POSITIVE_INFINITY, 1],
    [1, 0.5],
  ])('refuses rate %p with burst %p', (rate, burst) => {
    expect(() => tokenBucketTake(undefined, T0, rate, burst)).toThrow(RangeError);
  });
});
