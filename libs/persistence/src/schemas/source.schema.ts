import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  BODY_FORMATS,
  BodyFormat,
  CONVERSION_STATUSES,
  ConversionStatus,
  ForwardMethod,
  HTTP_METHODS,
} from '@ricochet/domain/model';
import { Types } from 'mongoose';
import { PayoutPolicyProps, PayoutPolicySchema } from './payout-policy.schema';

/** One forwarding destination of a source; a subdocument with its own `_id`. */
@Schema({ versionKey: false })
export class Endpoint {
  _id!: Types.ObjectId;

  /** URL template, validated by the gateway when saved. */
  @Prop({ type: String, required: true })
  url!: string;

  @Prop({ type: String, enum: HTTP_METHODS, default: 'GET' })
  method!: ForwardMethod;

  @Prop({ type: String, enum: BODY_FORMATS, default: 'json' })
  bodyFormat!: BodyFormat;

  @Prop({ type: String })
  bodyTemplate?: string;

  @Prop({ type: Object, default: () => ({}) })
  headers!: Record<string, string>;

  /** Event names this endpoint listens for; `['*']` = every event. */
  @Prop({ type: [String], default: () => ['*'] })
  events!: string[];

  @Prop({ type: [{ type: String, enum: CONVERSION_STATUSES }], default: () => ['approved'] })
  statuses!: ConversionStatus[];

  /** At most one forward per conversion (the first matching status), reversals excepted. */
  @Prop({ type: Boolean, default: true })
  fireOnce!: boolean;

  /** Regex a 2xx body must match to count as delivered. */
  @Prop({ type: String })
  successBodyMatch?: string;

  @Prop({ type: Number, min: 0 })
  maxRps?: number;

  /** Standard Webhooks secret; never copied into job data or logs. */
  @Prop({ type: String })
  signingSecret?: string;

  /** Overrides the default retry schedule. */
  @Prop({ type: [Number], default: undefined })
  retryScheduleMs?: number[];

  @Prop({ type: Boolean, default: true })
  enabled!: boolean;

  /** Why the endpoint was switched off (`HTTP 410 Gone` …), shown to admins. */
  @Prop({ type: String })
  disabledReason?: string;
}

export const EndpointSchema = SchemaFactory.createForClass(Endpoint);

/** Where clicks come from and where postbacks go. */
@Schema({ collection: 'sources', versionKey: false, timestamps: true })
export class Source {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true, trim: true })
  name!: string;

  /** Overrides the offer's payout policy for this source. */
  @Prop({ type: PayoutPolicySchema })
  payoutPolicy?: PayoutPolicyProps;

  @Prop({ type: [EndpointSchema], default: () => [] })
  endpoints!: Endpoint[];

  createdAt!: Date;
  updatedAt!: Date;
}

export const SourceSchema = SchemaFactory.createForClass(Source);
SourceSchema.index({ 'endpoints._id': 1 });
