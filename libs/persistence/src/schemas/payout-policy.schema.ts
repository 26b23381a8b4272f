import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Micros } from '@ricochet/domain/model';
import { MICROS_TYPE } from './micros';

export const PAYOUT_RULE_TYPES = ['passthrough', 'fixed', 'percent'] as const;

/** One payout rule as stored: the discriminant plus the field its type uses. */
@Schema({ _id: false, versionKey: false })
export class PayoutRuleProps {
  @Prop({ type: String, enum: PAYOUT_RULE_TYPES, required: true })
  type!: (typeof PAYOUT_RULE_TYPES)[number];

  @Prop({ ...MICROS_TYPE, min: 0 })
  amount?: Micros;

  @Prop({ ...MICROS_TYPE, min: 0 })
  percentMicros?: Micros;
}

export const PayoutRuleSchema = SchemaFactory.createForClass(PayoutRuleProps);

@Schema({ _id: false, versionKey: false })
export class PayoutPolicyProps {
  @Prop({ type: PayoutRuleSchema, required: true })
  rule!: PayoutRuleProps;

  /** Per-event overrides; a Map so event names stay keys, returned as a plain object by lean reads. */
  @Prop({ type: Map, of: PayoutRuleSchema })
  perEvent?: Map<string, PayoutRuleProps> | Record<string, PayoutRuleProps>;
}

export const PayoutPolicySchema = SchemaFactory.createForClass(PayoutPolicyProps);
