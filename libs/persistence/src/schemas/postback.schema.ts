import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  CONVERSION_STATUSES,
  ConversionStatus,
  ForwardMethod,
  HTTP_METHODS,
  Micros,
  POSTBACK_OUTCOMES,
  PostbackOutcome,
} from '@ricochet/domain/model';
import { Types } from 'mongoose';
import { RetentionOptions, ttlSeconds } from '../persistence.options';
import { MICROS_TYPE } from './micros';

/**
 * One received parameter. Stored as name/value pairs rather than an object because the names come from the
 * internet: `$where` or `a.b` are legal query parameters but not safe MongoDB field names.
 */
@Schema({ _id: false, versionKey: false })
export class PostbackParam {
  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: String, default: '' })
  value!: string;
}

export const PostbackParamSchema = SchemaFactory.createForClass(PostbackParam);

/** The canonical fields after alias resolution and status normalisation. */
@Schema({ _id: false, versionKey: false })
export class NormalizedPostback {
  @Prop({ type: String, required: true })
  clickId!: string;

  @Prop({ ...MICROS_TYPE, min: 0 })
  payout?: Micros;

  @Prop({ type: String })
  txid?: string;

  @Prop({ type: String, enum: CONVERSION_STATUSES, required: true })
  status!: ConversionStatus;

  @Prop({ type: String, required: true })
  event!: string;

  @Prop({ type: String })
  currency?: string;
}

export const NormalizedPostbackSchema = SchemaFactory.createForClass(NormalizedPostback);

/**
 * One authenticated inbound postback, stored raw before it is acknowledged. Every write
 * waits for the journal: this collection is the system of record the intake's 200 promises.
 */
@Schema({ collection: 'postbacks', versionKey: false, writeConcern: { j: true } })
export class Postback {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  advertiserId!: Types.ObjectId;

  @Prop({ type: [PostbackParamSchema], default: () => [] })
  params!: PostbackParam[];

  @Prop({ type: String, enum: HTTP_METHODS, required: true })
  method!: ForwardMethod;

  @Prop({ type: String })
  ip?: string;

  @Prop({ type: Date, required: true, default: () => new Date() })
  receivedAt!: Date;

  @Prop({ type: String, enum: POSTBACK_OUTCOMES, default: 'accepted' })
  outcome!: PostbackOutcome;

  /** Machine code when rejected (`ADVERTISER_MISMATCH`, `CLICK_EXPIRED`, `INVALID_TRANSITION` …). */
  @Prop({ type: String })
  rejectReason?: string;

  @Prop({ type: String })
  rejectMessage?: string;

  @Prop({ type: NormalizedPostbackSchema })
  normalized?: NormalizedPostback;

  @Prop({ type: Types.ObjectId })
  conversionId?: Types.ObjectId;

  @Prop({ type: Number, default: 0 })
  attributionAttempts!: number;

  /** While `accepted`: when the sweeper should re-enqueue attribution if no job has finished it. */
  @Prop({ type: Date })
  nextAttemptAt?: Date;

  /** CLICK_WAIT deadline: after it, a postback whose click is still unknown becomes `unattributed`. */
  @Prop({ type: Date })
  waitUntil?: Date;
}

/** The postback schema with its retention TTL on `receivedAt`. */
export function buildPostbackSchema(retention: Pick<RetentionOptions, 'postbacksDays'>) {
  const schema = SchemaFactory.createForClass(Postback);
  schema.index({ advertiserId: 1, receivedAt: -1 });
  schema.index({ outcome: 1, nextAttemptAt: 1 });
  schema.index({ 'normalized.clickId': 1 });
  const ttl = ttlSeconds(retention.postbacksDays);
  schema.index({ receivedAt: 1 }, ttl === undefined ? {} : { expireAfterSeconds: ttl });
  return schema;
}
