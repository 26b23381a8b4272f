import {
  CLOSED_BREAKER,
  type CircuitBreakerPolicy,
  type CircuitBreakerState,
  breakerAcquire,
  breakerAllows,
  breakerOpenMs,
  breakerRecord,
  breakerSignal,
} from './circuit-breaker';

const POLICY: CircuitBreakerPolicy = {
  failureThreshold: 5,
  openMs: 30_000,
  maxOpenMs: 120_000,
  halfOpenProbes: 1,
  probeLeaseMs: 60_000,
  halfOpenRecheckMs: 2_000,
};
const T0 = 1_800_000_000_000;

function fail(state: CircuitBreakerState, times: number, now = T0): CircuitBreakerState {
  let s = state;
  for (let i = 0; i < times; i++) s = breakerRecord(s, 'failure', now, POLICY);
  return s;
}

describe('circuit breaker', () => {
  it('lets traffic through while closed', () => {
    expect(breakerAllows(CLOSED_BREAKER, T0, POLICY)).toEqual({ allowed: true, probe: false });
  });

  it('stays closed below the failure threshold', () => {
    const s = fail(CLOSED_BREAKER, 4);
    expect(s).toMatchObject({ state: 'closed', consecutiveFailures: 4 });
    expect(breakerAllows(s, T0, POLICY).allowed).toBe(true);
  });

  it('opens at the threshold and refuses until the open period ends', () => {
    const s = fail(CLOSED_BREAKER, 5);
    expect(s).toEqual({
      state: 'open',
      consecutiveFailures: 5,
      trips: 1,
      openedAt: T0,
      openUntil: T0 + 30_000,
    });
    expect(breakerAllows(s, T0 + 29_999, POLICY)).toEqual({ allowed: false, retryAtMs: T0 + 30_000 });
  });

  it('resets the failure count on a success while closed', () => {
    const s = breakerRecord(fail(CLOSED_BREAKER, 4), 'success', T0, POLICY);
    expect(fail(s, 4).state).toBe('closed');
  });

  it('grants one probe after the open period and holds others back', () => {
    const open = fail(CLOSED_BREAKER, 5);
    const first = breakerAcquire(open, T0 + 30_000, POLICY);
    expect(first.decision).toEqual({ allowed: true, probe: true });
    expect(first.state).toMatchObject({ state: 'half-open', probes: 1, openUntil: T0 + 90_000 });
    const second = breakerAcquire(first.state, T0 + 30_001, POLICY);
    // Held back only briefly: a successful probe must not leave the others waiting out its lease.
    expect(second.decision).toEqual({ allowed: false, retryAtMs: T0 + 32_001 });
    const nearLeaseEnd = breakerAcquire(first.state, T0 + 89_000, POLICY);
    expect(nearLeaseEnd.decision).toEqual({ allowed: false, retryAtMs: T0 + 90_000 });
  });

  it('allows as many concurrent probes as halfOpenProbes', () => {
    const policy = { ...POLICY, halfOpenProbes: 2 };
    const open = fail(CLOSED_BREAKER, 5);
    const a = breakerAcquire(open, T0 + 30_000, policy);
    const b = breakerAcquire(a.state, T0 + 30_000, policy);
    const c = breakerAcquire(b.state, T0 + 30_000, policy);
    expect([a.decision.allowed, b.decision.allowed, c.decision.allowed]).toEqual([true, true, false]);
  });

  it('hands out a new probe when the previous one was never answered', () => {
    const halfOpen = breakerAcquire(fail(CLOSED_BREAKER, 5), T0 + 30_000, POLICY).state;
    expect(breakerAcquire(halfOpen, T0 + 90_000, POLICY).decision).toEqual({ allowed: true, probe: true });
  });

  it('closes on a successful probe and forgets past trips', () => {
    const halfOpen = breakerAcquire(fail(CLOSED_BREAKER, 5), T0 + 30_000, POLICY).state;
    expect(breakerRecord(halfOpen, 'success', T0 + 31_000, POLICY)).toEqual(CLOSED_BREAKER);
  });

  it('reopens for twice as long when the probe fails, up to the maximum', () => {
    let s = fail(CLOSED_BREAKER, 5);
    const periods: number[] = [];
    let now = T0;
    for (let i = 0; i < 4; i++) {
      now = s.openUntil!;
      s = breakerAcquire(s, now, POLICY).state;
      s = breakerRecord(s, 'failure', now, POLICY);
      periods.push(s.openUntil! - now);
    }
    expect(periods).toEqual([60_000, 120_000, 120_000, 120_000]);
    expect(s).toMatchObject({ state: 'open', trips: 5 });
  });

  it('does not extend the open period for late failures of requests sent before the trip', () => {
    const open = fail(CLOSED_BREAKER, 5);
    const later = breakerRecord(open, 'failure', T0 + 10_000, POLICY);
    expect(later).toMatchObject({ state: 'open', openUntil: T0 + 30_000, consecutiveFailures: 6 });
  });

  it('doubles the open period per consecutive trip', () => {
    expect([1, 2, 3, 4].map((t) => breakerOpenMs(t, POLICY))).toEqual([30_000, 60_000, 120_000, 120_000]);
    expect(breakerOpenMs(1000, POLICY)).toBe(120_000);
  });

  it('does not change the stored state when it only reads', () => {
    const open = fail(CLOSED_BREAKER, 5);
    const copy = { ...open };
    breakerAllows(open, T0 + 60_000, POLICY);
    expect(open).toEqual(copy);
  });
});

describe('breakerSignal', () => {
  it('counts delivered as success and retryable failures as failure', () => {
    expect(breakerSignal({ kind: 'delivered' })).toBe('success');
    expect(breakerSignal({ kind: 'retry', errorClass: 'http_5xx' })).toBe('failure');
    expect(breakerSignal({ kind: 'retry', errorClass: 'timeout' })).toBe('failure');
  });

  it('never lets a permanent 4xx answer trip the breaker', () => {
    expect(breakerSignal({ kind: 'permanent', errorClass: 'http_4xx' })).toBe('success');
    let s = CLOSED_BREAKER;
    for (let i = 0; i < 10; i++) {
      const signal = breakerSignal({ kind: 'permanent', errorClass: 'http_4xx' });
      if (signal) s = breakerRecord(s, signal, T0, POLICY);
    }
    expect(s.state).toBe('closed');
  });

  it('records nothing for SSRF refusals and 410', () => {
    expect(breakerSignal({ kind: 'permanent', errorClass: 'ssrf_blocked' })).toBeNull();
    expect(breakerSignal({ kind: 'gone' })).toBeNull();
  });
});
