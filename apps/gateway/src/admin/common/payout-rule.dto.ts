import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';
import { MoneyString, PercentString } from './money.decorator';

export const PAYOUT_RULE_TYPES = ['passthrough', 'fixed', 'percent'] as const;
export type PayoutRuleType = (typeof PAYOUT_RULE_TYPES)[number];

/** One payout rule as the admin API writes it: money and percentages as decimal strings. */
export class PayoutRuleBody {
  @ApiProperty({
    enum: PAYOUT_RULE_TYPES,
    description:
      'passthrough: the source gets the revenue; fixed: `amount` per conversion; percent: `percent` of the revenue',
    example: 'percent',
  })
  @IsIn(PAYOUT_RULE_TYPES)
  type!: PayoutRuleType;

  @MoneyString({ description: 'Fixed payout per conversion (type fixed)', example: '8.50', required: false })
  amount?: string;

  @PercentString({
    description: 'Share of the revenue, 0–100 (type percent)',
    example: '70',
    required: false,
  })
  percent?: string;
}

/** A payout rule plus per-event overrides (`{ "ftd": { "type": "fixed", "amount": "25" } }`). */
export class PayoutPolicyBody extends PayoutRuleBody {
  @ApiPropertyOptional({
    description: 'Rules for particular events, keyed by event name; other events use the main rule',
    example: { ftd: { type: 'fixed', amount: '25.00' } },
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/PayoutRuleBody' },
  })
  @IsOptional()
  @IsObject()
  perEvent?: Record<string, PayoutRuleBody>;
}

/** A payout rule as the admin API returns it. */
export class PayoutRuleResponse {
  @ApiProperty({ enum: PAYOUT_RULE_TYPES, example: 'percent', description: 'How the payout is derived' })
  type!: PayoutRuleType;

  @ApiPropertyOptional({ example: '8.50', description: 'Fixed payout (type fixed)' })
  amount?: string;

  @ApiPropertyOptional({ example: '70', description: 'Share of the revenue in percent (type percent)' })
  percent?: string;
}

export class PayoutPolicyResponse extends PayoutRuleResponse {
  @ApiPropertyOptional({
    description: 'Per-event overrides keyed by event name',
    example: { ftd: { type: 'fixed', amount: '25.00' } },
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/PayoutRuleResponse' },
  })
  perEvent?: Record<string, PayoutRuleResponse>;
}
