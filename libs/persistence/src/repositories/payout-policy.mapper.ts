import { PayoutPolicy, PayoutRule } from '@ricochet/domain/model';
import { PayoutPolicyProps, PayoutRuleProps } from '../schemas/payout-policy.schema';

/** The domain rule for a stored one; a stored rule missing its amount reads as 0 rather than NaN. */
export function toPayoutRule(props: PayoutRuleProps): PayoutRule {
  switch (props.type) {
    case 'fixed':
      return { type: 'fixed', amount: props.amount ?? 0 };
    case 'percent':
      return { type: 'percent', percentMicros: props.percentMicros ?? 0 };
    default:
      return { type: 'passthrough' };
  }
}

export function toPayoutPolicy(props: PayoutPolicyProps): PayoutPolicy {
  const perEvent = props.perEvent instanceof Map ? Object.fromEntries(props.perEvent) : props.perEvent;
  return {
    rule: toPayoutRule(props.rule),
    ...(perEvent && Object.keys(perEvent).length > 0
      ? {
          perEvent: Object.fromEntries(
            Object.entries(perEvent).map(([event, rule]) => [event, toPayoutRule(rule)]),
          ),
        }
      : {}),
  };
}

export function fromPayoutPolicy(policy: PayoutPolicy): PayoutPolicyProps {
  return { rule: { ...policy.rule }, ...(policy.perEvent ? { perEvent: { ...policy.perEvent } } : {}) };
}
