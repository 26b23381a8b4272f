import { toPayoutPolicy, toPayoutPolicyResponse } from './payout-rule.mapper';

describe('payout rule mapping', () => {
  it('parses money and percentages exactly and renders them back', () => {
    const policy = toPayoutPolicy({
      type: 'percent',
      percent: '12.5',
      perEvent: { ftd: { type: 'fixed', amount: '0.1' } },
    });
    expect(policy).toEqual({
      rule: { type: 'percent', percentMicros: 12_500_000 },
      perEvent: { ftd: { type: 'fixed', amount: 100_000 } },
    });
    expect(toPayoutPolicyResponse(policy)).toEqual({
      type: 'percent',
      percent: '12.5',
      perEvent: { ftd: { type: 'fixed', amount: '0.10' } },
    });
  });

  it('renders whole percentages without decimals', () => {
    expect(toPayoutPolicyResponse({ rule: { type: 'percent', percentMicros: 70_000_000 } })).toEqual({
      type: 'percent',
      percent: '70',
    });
  });

  it('names the per-event field at fault', () => {
    expect(() =>
      toPayoutPolicy(
        { type: 'passthrough', perEvent: { ftd: { type: 'fixed', amount: '1,5' } } },
        'payoutRule',
      ),
    ).toThrow(expect.objectContaining({ param: 'payoutRule.perEvent.ftd.amount' }));
  });
});
