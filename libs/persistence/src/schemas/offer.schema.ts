import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Micros, OFFER_STATES, OfferState } from '@ricochet/domain/model';
import { Types } from 'mongoose';
import { MICROS_TYPE } from './micros';
import { PayoutPolicyProps, PayoutPolicySchema } from './payout-policy.schema';

/** What is promoted: landing URL template, revenue and payout rules. */
@Schema({ collection: 'offers', versionKey: false, timestamps: true })
export class Offer {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true, index: true })
  advertiserId!: Types.ObjectId;

  @Prop({ type: String, required: true, trim: true })
  name!: string;

  /** Landing URL template (`{click_id}` …), validated by the gateway when saved. */
  @Prop({ type: String, required: true })
  url!: string;

  /** Where a click on a paused offer goes instead of a 404. */
  @Prop({ type: String })
  fallbackUrl?: string;

  /** Revenue when the postback carries no payout. */
  @Prop({ ...MICROS_TYPE, min: 0 })
  defaultRevenue?: Micros;

  @Prop({ type: PayoutPolicySchema, default: () => ({ rule: { type: 'passthrough' } }) })
  payoutPolicy!: PayoutPolicyProps;

  @Prop({ type: Number, default: 30, min: 1 })
  attributionWindowDays!: number;

  @Prop({ type: String, enum: OFFER_STATES, default: 'active' })
  status!: OfferState;

  createdAt!: Date;
  updatedAt!: Date;
}

export const OfferSchema = SchemaFactory.createForClass(Offer);
