import type { PayoutPolicy } from '../model';
import { applyPayoutRule, payoutRuleFor } from './payout-rule';

describe('applyPayoutRule', () => {
  it('passes the revenue through when no policy is set', () => {
    expect(applyPayoutRule(12_500_000, undefined, 'conversion')).toBe(12_500_000);
  });

  it('passes the revenue through for a passthrough rule', () => {
    expect(applyPayoutRule(12_500_000, { rule: { type: 'passthrough' } }, 'conversion')).toBe(12_500_000);
  });

  it('pays the fixed amount whatever the revenue', () => {
    const policy: PayoutPolicy = { rule: { type: 'fixed', amount: 5_000_000 } };
    expect(applyPayoutRule(12_500_000, policy, 'conversion')).toBe(5_000_000);
    expect(applyPayoutRule(0, policy, 'conversion')).toBe(5_000_000);
  });

  it('pays a percentage of the revenue', () => {
    const policy: PayoutPolicy = { rule: { type: 'percent', percentMicros: 70_000_000 } };
    expect(applyPayoutRule(12_500_000, policy, 'conversion')).toBe(8_750_000);
  });

  it('lets a per-event override win over the rule', () => {
    const policy: PayoutPolicy = {
      rule: { type: 'percent', percentMicros: 50_000_000 },
      perEvent: { ftd: { type: 'fixed', amount: 40_000_000 } },
    };
    expect(applyPayoutRule(100_000_000, policy, 'ftd')).toBe(40_000_000);
    expect(applyPayoutRule(100_000_000, policy, 'deposit')).toBe(50_000_000);
  });

  it('matches per-event overrides case-insensitively', () => {
    const policy: PayoutPolicy = {
      rule: { type: 'passthrough' },
      perEvent: { FTD: { type: 'fixed', amount: 1_000_000 } },
    };
    expect(payoutRuleFor(policy, 'ftd')).toEqual({ type: 'fixed', amount: 1_000_000 });
  });
});
