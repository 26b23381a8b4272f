import type { Micros, PayoutPolicy, PayoutRule } from '../model';
import { percentOf } from './money';

/**
 * The rule that applies to `event`: the policy's per-event override when there is one (exact key
 * first, then case-insensitively, since events are normalised to lower case on intake while an admin
 * may have typed `FTD`), else the policy's rule, else passthrough.
 */
export function payoutRuleFor(policy: PayoutPolicy | undefined, event: string): PayoutRule {
  if (!policy) return { type: 'passthrough' };
  const perEvent = policy.perEvent;
  if (perEvent) {
    const exact = perEvent[event];
    if (exact) return exact;
    const wanted = event.toLowerCase();
    for (const key of Object.keys(perEvent)) {
      if (key.toLowerCase() === wanted) return perEvent[key];
    }
  }
  return policy.rule;
}

/**
 * The source's payout for one conversion: `passthrough` (the default, also when no
 * policy is set) pays the revenue on, `fixed` pays the rule's amount whatever the revenue, `percent`
 * pays that share of the revenue rounded half-up to the micro. Per-event overrides win over the rule.
 */
export function applyPayoutRule(revenue: Micros, policy: PayoutPolicy | undefined, event: string): Micros {
  const rule = payoutRuleFor(policy, event);
  switch (rule.type) {
    case 'passthrough':
      return revenue;
    case 'fixed':
      return rule.amount;
    case 'percent':
      return percentOf(revenue, rule.percentMicros);
  }
}
