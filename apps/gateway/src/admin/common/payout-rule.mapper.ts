import type { PayoutPolicy, PayoutRule } from '@ricochet/domain/model';
import { formatMoney, parseMoney, parsePercent } from '@ricochet/domain/money';
import { configInputError } from './config-input.error';
import {
  PAYOUT_RULE_TYPES,
  type PayoutPolicyBody,
  type PayoutPolicyResponse,
  type PayoutRuleBody,
  type PayoutRuleResponse,
} from './payout-rule.dto';

const MAX_PER_EVENT_RULES = 50;

function toRule(body: PayoutRuleBody, param: string): PayoutRule {
  const input = (body ?? {}) as Partial<Record<'type' | 'amount' | 'percent', unknown>>;
  switch (input.type) {
    case 'passthrough':
      return { type: 'passthrough' };
    case 'fixed':
      if (typeof input.amount !== 'string')
        throw configInputError(
          'INVALID_PAYOUT_RULE',
          `${param}.amount`,
          `"${param}.amount" is required for type fixed`,
        );
      return { type: 'fixed', amount: parseMoney(input.amount, `${param}.amount`) };
    case 'percent':
      if (typeof input.percent !== 'string')
        throw configInputError(
          'INVALID_PAYOUT_RULE',
          `${param}.percent`,
          `"${param}.percent" is required for type percent`,
        );
      return { type: 'percent', percentMicros: parsePercent(input.percent, `${param}.percent`) };
    default:
      throw configInputError(
        'INVALID_PAYOUT_RULE',
        `${param}.type`,
        `"${param}.type" must be one of ${PAYOUT_RULE_TYPES.join(', ')}`,
      );
  }
}

/** Admin body → domain policy; money and percentages parsed exactly. */
export function toPayoutPolicy(body: PayoutPolicyBody, param = 'payout'): PayoutPolicy {
  const entries = Object.entries(body.perEvent ?? {});
  if (entries.length > MAX_PER_EVENT_RULES)
    throw configInputError(
      'INVALID_PAYOUT_RULE',
      `${param}.perEvent`,
      `at most ${MAX_PER_EVENT_RULES} per-event rules`,
    );
  return {
    rule: toRule(body, param),
    ...(entries.length > 0
      ? {
          perEvent: Object.fromEntries(
            entries.map(([event, rule]) => [event, toRule(rule, `${param}.perEvent.${event}`)]),
          ),
        }
      : {}),
  };
}

function fromRule(rule: PayoutRule): PayoutRuleResponse {
  switch (rule.type) {
    case 'passthrough':
      return { type: 'passthrough' };
    case 'fixed':
      return { type: 'fixed', amount: formatMoney(rule.amount) };
    case 'percent':
      return { type: 'percent', percent: formatMoney(rule.percentMicros).replace(/\.?0+$/, '') };
  }
}

/** Domain policy → admin response. */
export function toPayoutPolicyResponse(policy: PayoutPolicy): PayoutPolicyResponse {
  const perEvent = Object.entries(policy.perEvent ?? {});
  return {
    ...fromRule(policy.rule),
    ...(perEvent.length > 0
      ? { perEvent: Object.fromEntries(perEvent.map(([event, rule]) => [event, fromRule(rule)])) }
      : {}),
  };
}
