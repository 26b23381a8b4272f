import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { SUB_KEYS, type SubKey } from '@ricochet/domain/model';
import { RetentionOptions, ttlSeconds } from '../persistence.options';

export { SUB_KEYS, type SubKey };

/**
 * One tracked click. Immutable once written, so it has `createdAt` only. `sub1`…`sub10` are
 * flat fields: templates and reports read them by name, and absent ones take no space.
 */
@Schema({ collection: 'clicks', versionKey: false })
export class Click {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true, unique: true })
  clickId!: string;

  @Prop({ type: Types.ObjectId, required: true })
  offerId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  sourceId!: Types.ObjectId;

  /** Denormalised from the offer so attribution checks ownership without a second read. */
  @Prop({ type: Types.ObjectId, required: true })
  advertiserId!: Types.ObjectId;

  /** The traffic source's own click id. */
  @Prop({ type: String })
  extClickId?: string;

  @Prop({ type: String }) sub1?: string;
  @Prop({ type: String }) sub2?: string;
  @Prop({ type: String }) sub3?: string;
  @Prop({ type: String }) sub4?: string;
  @Prop({ type: String }) sub5?: string;
  @Prop({ type: String }) sub6?: string;
  @Prop({ type: String }) sub7?: string;
  @Prop({ type: String }) sub8?: string;
  @Prop({ type: String }) sub9?: string;
  @Prop({ type: String }) sub10?: string;

  @Prop({ type: String })
  ip?: string;

  @Prop({ type: String })
  userAgent?: string;

  @Prop({ type: String })
  referrer?: string;

  /** ISO 3166-1 alpha-2. */
  @Prop({ type: String })
  country?: string;

  /** Click time; clicks registered from an external tracker keep their original time. */
  @Prop({ type: Date, required: true, default: () => new Date() })
  createdAt!: Date;
}

/** The click schema with its retention TTL on `createdAt` (the same index serves time-range reports). */
export function buildClickSchema(retention: Pick<RetentionOptions, 'clicksDays'>) {
  const schema = SchemaFactory.createForClass(Click);
  const ttl = ttlSeconds(retention.clicksDays);
  schema.index({ createdAt: 1 }, ttl === undefined ? {} : { expireAfterSeconds: ttl });
  return schema;
}
