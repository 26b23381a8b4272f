import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { CONVERSION_STATUSES, ConversionStatus, Micros } from '@ricochet/domain/model';
import { Types } from 'mongoose';
import { MICROS_TYPE } from './micros';

export const HISTORY_ACTORS = ['postback', 'admin'] as const;
export type HistoryActor = (typeof HISTORY_ACTORS)[number];

/** One status the conversion entered, and what moved it there. */
@Schema({ _id: false, versionKey: false })
export class ConversionHistoryEntry {
  @Prop({ type: String, enum: CONVERSION_STATUSES, required: true })
  status!: ConversionStatus;

  @Prop({ type: Date, required: true })
  at!: Date;

  @Prop({ type: Types.ObjectId })
  postbackId?: Types.ObjectId;

  @Prop({ type: String, enum: HISTORY_ACTORS, required: true })
  by!: HistoryActor;

  @Prop({ type: String })
  note?: string;
}

export const ConversionHistoryEntrySchema = SchemaFactory.createForClass(ConversionHistoryEntry);

/** An attributed result (DESIGN §2, §4.2). */
@Schema({ collection: 'conversions', versionKey: false, timestamps: true })
export class Conversion {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true })
  clickId!: string;

  @Prop({ type: Types.ObjectId, required: true })
  offerId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  sourceId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  advertiserId!: Types.ObjectId;

  @Prop({ type: String, required: true })
  event!: string;

  @Prop({ type: String })
  txid?: string;

  @Prop({ type: String, enum: CONVERSION_STATUSES, required: true })
  status!: ConversionStatus;

  @Prop({ ...MICROS_TYPE, required: true, min: 0 })
  revenue!: Micros;

  @Prop({ ...MICROS_TYPE, required: true, min: 0 })
  payout!: Micros;

  @Prop({ type: String, required: true, uppercase: true })
  currency!: string;

  @Prop({ type: [ConversionHistoryEntrySchema], default: () => [] })
  history!: ConversionHistoryEntry[];

  /**
   * `(advertiserId, txid)` when txid is present, else `(clickId, event)`, as one string under a unique
   * index: concurrent identical postbacks race on the index and exactly one insert wins.
   */
  @Prop({ type: String, required: true, unique: true })
  dedupKey!: string;

  createdAt!: Date;
  updatedAt!: Date;
}

export const ConversionSchema = SchemaFactory.createForClass(Conversion);
ConversionSchema.index({ clickId: 1 });
ConversionSchema.index({ createdAt: -1 });
ConversionSchema.index({ advertiserId: 1, _id: -1 });
ConversionSchema.index({ offerId: 1, _id: -1 });
ConversionSchema.index({ sourceId: 1, _id: -1 });
