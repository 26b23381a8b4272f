import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ATTEMPT_TRIGGERS, AttemptTrigger, ForwardMethod, HTTP_METHODS } from '@ricochet/domain/model';
import { Types } from 'mongoose';
import { RetentionOptions, ttlSeconds } from '../persistence.options';

/** One HTTP try of a delivery. Append-only; expires with the attempts retention. */
@Schema({ collection: 'delivery_attempts', versionKey: false })
export class DeliveryAttempt {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  deliveryId!: Types.ObjectId;

  @Prop({ type: Number, required: true, min: 1 })
  attemptNo!: number;

  @Prop({ type: String, enum: ATTEMPT_TRIGGERS, required: true })
  trigger!: AttemptTrigger;

  /** The requested URL with secrets already redacted by the caller. */
  @Prop({ type: String, required: true })
  url!: string;

  @Prop({ type: String, enum: HTTP_METHODS, required: true })
  method!: ForwardMethod;

  @Prop({ type: Number })
  statusCode?: number;

  @Prop({ type: Number, required: true, min: 0 })
  durationMs!: number;

  @Prop({ type: Date, required: true })
  startedAt!: Date;

  /** The first bytes of the response body (at most 2 KiB of UTF-8). */
  @Prop({ type: String, default: '' })
  responseSnippet!: string;

  /** Error class for tries without a usable response (`ConnectTimeoutError`, `SsrfBlockedError` …). */
  @Prop({ type: String })
  errorClass?: string;

  @Prop({ type: String })
  errorMessage?: string;
}

/** The attempt schema with its retention TTL on `startedAt`. */
export function buildDeliveryAttemptSchema(retention: Pick<RetentionOptions, 'attemptsDays'>) {
  const schema = SchemaFactory.createForClass(DeliveryAttempt);
  schema.index({ deliveryId: 1, attemptNo: 1 });
  const ttl = ttlSeconds(retention.attemptsDays);
  schema.index({ startedAt: 1 }, ttl === undefined ? {} : { expireAfterSeconds: ttl });
  return schema;
}
