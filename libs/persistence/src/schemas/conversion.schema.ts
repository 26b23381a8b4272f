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

/** A conversion state whose deliveries still have to be planned. */
@Schema({ _id: false, versionKey: false })
export class ConversionPlan {
  @Prop({ type: String, enum: CONVERSION_STATUSES, required: true })
  status!: ConversionStatus;

  @Prop({ type: Boolean, required: true })
  reversal!: boolean;

  @Prop({ type: Date, required: true })
  at!: Date;
}

export const ConversionPlanSchema = SchemaFactory.createForClass(ConversionPlan);

/** An attributed result. */
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

  /**
   * State changes made outside a postback (an admin) whose deliveries are not planned yet. Written in
   * the same update as the status change, removed by the `plan` job once its deliveries exist: the
   * durable marker the sweeper honours when that job is lost.
   */
  @Prop({ type: [ConversionPlanSchema], default: undefined })
  pendingPlans?: ConversionPlan[];

  /** Set while `pendingPlans` is not empty; the sweeper's deadline for them. */
  @Prop({ type: Date })
  planDueAt?: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

export const ConversionSchema = SchemaFactory.createForClass(Conversion);
ConversionSchema.index({ clickId: 1 });
ConversionSchema.index({ planDueAt: 1 }, { sparse: true });
ConversionSchema.index({ createdAt: -1 });
ConversionSchema.index({ advertiserId: 1, _id: -1 });
ConversionSchema.index({ offerId: 1, _id: -1 });
ConversionSchema.index({ sourceId: 1, _id: -1 });
