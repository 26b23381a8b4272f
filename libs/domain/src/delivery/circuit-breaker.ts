import type { DeliveryOutcome } from './delivery-outcome';

/** Per-endpoint circuit breaker tuning. */
export interface CircuitBreakerPolicy {
  /** Consecutive retryable failures that open the circuit. */
  failureThreshold: number;
  /** First open period; doubles on every trip in a row (half-open probe failed) up to `maxOpenMs`. */
  openMs: number;
  maxOpenMs: number;
  /** Probes let through at once while half-open. */
  halfOpenProbes: number;
  /**
   * How long a granted probe may stay unanswered before another is granted — covers a worker killed
   * mid-probe. Longer than the 15 s request budget.
   */
  probeLeaseMs: number;
  /**
   * A request refused while a probe is in flight tries again this soon (or at the lease end, if
   * sooner), so held deliveries follow a successful probe within this delay instead of waiting out
   * the lease.
   */
  halfOpenRecheckMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER_POLICY: CircuitBreakerPolicy = Object.freeze({
  failureThreshold: 5,
  openMs: 30_000,
  maxOpenMs: 10 * 60_000,
  halfOpenProbes: 1,
  probeLeaseMs: 60_000,
  halfOpenRecheckMs: 2_000,
});

/**
 * Breaker state, small enough for one Redis hash. All times are epoch milliseconds.
 * - `closed`: traffic flows; `consecutiveFailures` counts towards the threshold.
 * - `open`: nothing is sent until `openUntil`; deliveries are delayed, not failed, no attempt used.
 * - `half-open`: `probes` requests are in flight to test the endpoint; `openUntil` is their lease end.
 */
export interface CircuitBreakerState {
  state: 'closed' | 'open' | 'half-open';
  consecutiveFailures: number;
  openedAt?: number;
  openUntil?: number;
  /** Trips in a row without a success in between; drives the doubling of the open period. */
  trips: number;
  probes?: number;
}

export type BreakerDecision = { allowed: true; probe: boolean } | { allowed: false; retryAtMs: number };

export const CLOSED_BREAKER: CircuitBreakerState = Object.freeze({
  state: 'closed',
  consecutiveFailures: 0,
  trips: 0,
});

/**
 * May a request go to the endpoint now? Read-only: use {@link breakerAcquire} to also claim a probe
 * slot. `retryAtMs` is when the caller should re-queue a refused delivery.
 */
export function breakerAllows(
  state: CircuitBreakerState,
  now: number,
  policy: CircuitBreakerPolicy = DEFAULT_CIRCUIT_BREAKER_POLICY,
): BreakerDecision {
  return breakerAcquire(state, now, policy).decision;
}

/**
 * Decides like {@link breakerAllows} and returns the state to store: granting a probe moves `open`
 * (period over) to `half-open` and counts the probe, so concurrent workers do not all probe at once.
 * A probe lease that expired unanswered is replaced by a new probe.
 */
export function breakerAcquire(
  state: CircuitBreakerState,
  now: number,
  policy: CircuitBreakerPolicy = DEFAULT_CIRCUIT_BREAKER_POLICY,
): { decision: BreakerDecision; state: CircuitBreakerState } {
  const until = state.openUntil ?? now;
  switch (state.state) {
    case 'closed':
      return { decision: { allowed: true, probe: false }, state };
    case 'open':
      if (now < until) return { decision: { allowed: false, retryAtMs: until }, state };
      return { decision: { allowed: true, probe: true }, state: halfOpen(state, now, 1, policy) };
    case 'half-open': {
      if (now >= until) {
        return { decision: { allowed: true, probe: true }, state: halfOpen(state, now, 1, policy) };
      }
      const probes = state.probes ?? 0;
      if (probes < policy.halfOpenProbes) {
        return { decision: { allowed: true, probe: true }, state: { ...state, probes: probes + 1 } };
      }
      return {
        decision: { allowed: false, retryAtMs: Math.min(until, now + policy.halfOpenRecheckMs) },
        state,
      };
    }
  }
}

/**
 * Folds one finished request into the state.
 * - success: closes the circuit and forgets past trips.
 * - failure while closed: counts; at `failureThreshold` the circuit opens for `openMs`.
 * - failure while half-open (the probe failed): opens again for twice the previous period.
 * - failure while open (a request that started before the trip): counted, period unchanged.
 *
 * Record only what {@link breakerSignal} says counts, so permanent 4xx answers never trip it.
 */
export function breakerRecord(
  state: CircuitBreakerState,
  outcome: 'success' | 'failure',
  now: number,
  policy: CircuitBreakerPolicy = DEFAULT_CIRCUIT_BREAKER_POLICY,
): CircuitBreakerState {
  if (outcome === 'success') return { ...CLOSED_BREAKER };
  const consecutiveFailures = state.consecutiveFailures + 1;
  switch (state.state) {
    case 'closed':
      return consecutiveFailures >= policy.failureThreshold
        ? trip(state, consecutiveFailures, now, policy)
        : { ...state, consecutiveFailures };
    case 'half-open':
      return trip(state, consecutiveFailures, now, policy);
    case 'open':
      return { ...state, consecutiveFailures };
  }
}

/**
 * What an attempt outcome means to the breaker: delivered → success; retryable failures (5xx, 408,
 * 429, timeouts, network) → failure; a permanent answer (4xx, redirect, body mismatch) proves the
 * endpoint is up, so it counts as success; SSRF refusals and 410 say nothing about health → null
 * (do not record).
 */
export function breakerSignal(outcome: DeliveryOutcome): 'success' | 'failure' | null {
  switch (outcome.kind) {
    case 'delivered':
      return 'success';
    case 'retry':
      return 'failure';
    case 'gone':
      return null;
    case 'permanent':
      return outcome.errorClass === 'ssrf_blocked' ? null : 'success';
  }
}

/** Open period for the `trips`-th trip in a row: openMs, 2×, 4× … capped at maxOpenMs. */
export function breakerOpenMs(
  trips: number,
  policy: CircuitBreakerPolicy = DEFAULT_CIRCUIT_BREAKER_POLICY,
): number {
  const doublings = Math.min(Math.max(trips - 1, 0), 30);
  return Math.min(policy.openMs * 2 ** doublings, policy.maxOpenMs);
}

function trip(
  state: CircuitBreakerState,
  consecutiveFailures: number,
  now: number,
  policy: CircuitBreakerPolicy,
): CircuitBreakerState {
  const trips = state.trips + 1;
  return {
    state: 'open',
    consecutiveFailures,
    trips,
    openedAt: now,
    openUntil: now + breakerOpenMs(trips, policy),
  };
}

function halfOpen(
  state: CircuitBreakerState,
  now: number,
  probes: number,
  policy: CircuitBreakerPolicy,
): CircuitBreakerState {
  return { ...state, state: 'half-open', probes, openUntil: now + policy.probeLeaseMs };
}
