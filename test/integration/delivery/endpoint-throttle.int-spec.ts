import {
  breakerAcquire,
  breakerRecord,
  type CircuitBreakerState,
  CLOSED_BREAKER,
  tokenBucketTake,
  type TokenBucketState,
} from '@ricochet/domain/delivery';
import { EndpointThrottle } from '../../../apps/worker/src/delivery/endpoint-throttle.service';
import { testConfig } from '../../support/config';
import { suiteContext } from '../../support/suite';

/** A small deterministic PRNG so a failing sequence can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('EndpointThrottle (Redis Lua) against the domain reference', () => {
  const ctx = suiteContext('endpoint throttle');
  const throttle = new EndpointThrottle(testConfig(ctx));

  beforeAll(() => throttle.onModuleInit());
  afterAll(() => throttle.onApplicationShutdown());

  it('makes the same breaker decisions as breakerAcquire/breakerRecord over random sequences', async () => {
    const { policy } = throttle;
    const seen = new Set<string>();
    for (let seed = 1; seed <= 5; seed += 1) {
      const random = prng(seed);
      const endpointId = `breaker-${seed}`;
      let reference: CircuitBreakerState = { ...CLOSED_BREAKER };
      let now = 1_700_000_000_000;
      for (let step = 0; step < 120; step += 1) {
        // Mostly small steps, sometimes past the open period or the probe lease.
        now += random() < 0.1 ? policy.maxOpenMs : Math.floor(random() * 10_000);
        const expected = breakerAcquire(reference, now, policy);
        reference = expected.state;
        seen.add(reference.state);
        const actual = await throttle.acquire(endpointId, now);
        expect({ seed, step, decision: actual }).toEqual({ seed, step, decision: expected.decision });
        if (!expected.decision.allowed) continue;
        // Only a granted request has an outcome to record.
        const outcome = random() < 0.75 ? 'failure' : 'success';
        reference = breakerRecord(reference, outcome, now, policy);
        const recorded = await throttle.record(endpointId, outcome, now);
        expect({ seed, step, recorded }).toEqual({ seed, step, recorded: reference.state });
      }
    }
    expect([...seen].sort()).toEqual(['closed', 'half-open', 'open']);
  });

  it('takes tokens exactly like tokenBucketTake', async () => {
    for (const rate of [0.5, 3, 7.5]) {
      const random = prng(Math.round(rate * 10));
      const endpointId = `bucket-${rate}`;
      let reference: TokenBucketState | undefined;
      let refused = 0;
      let now = 1_700_000_000_000;
      for (let step = 0; step < 200; step += 1) {
        now += Math.floor(random() * 400) - (random() < 0.05 ? 1_000 : 0);
        const expected = tokenBucketTake(reference, now, rate);
        reference = expected.state;
        const actual = await throttle.takeToken(endpointId, rate, now);
        refused += expected.allowed ? 0 : 1;
        expect({ rate, step, actual }).toEqual({
          rate,
          step,
          actual: { allowed: expected.allowed, waitMs: expected.waitMs },
        });
      }
      expect(refused).toBeGreaterThan(0);
    }
  });
});
