import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  CONVERSION_STATUSES,
  ConversionStatus,
  DELIVERY_STATES,
  DeliveryState,
} from '@ricochet/domain/model';
import { Types } from 'mongoose';

/** One forward of one conversion state to one endpoint. */
@Schema({ collection: 'deliveries', versionKey: false, timestamps: true })
export class Delivery {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  conversionId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  endpointId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  sourceId!: Types.ObjectId;

  /** The conversion status this delivery forwards. */
  @Prop({ type: String, enum: CONVERSION_STATUSES, required: true })
  status!: ConversionStatus;

  /** `${conversionId}:${endpointId}:${status}`, unique: one forward per conversion state and endpoint. */
  @Prop({ type: String, required: true, unique: true })
  idempotencyKey!: string;

  @Prop({ type: String, enum: DELIVERY_STATES, default: 'pending' })
  state!: DeliveryState;

  /** HTTP tries made so far. */
  @Prop({ type: Number, default: 0 })
  attempts!: number;

  /** When the next try is due (pending/failed); the sweeper re-enqueues deliveries overdue past it. */
  @Prop({ type: Date })
  nextAttemptAt?: Date;

  @Prop({ type: String })
  lastError?: string;

  @Prop({ type: Number })
  lastStatusCode?: number;

  @Prop({ type: Date })
  deliveredAt?: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

export const DeliverySchema = SchemaFactory.createForClass(Delivery);
DeliverySchema.index({ state: 1, nextAttemptAt: 1 });
DeliverySchema.index({ conversionId: 1 });
DeliverySchema.index({ endpointId: 1, state: 1 });
DeliverySchema.index({ sourceId: 1, _id: -1 });
DeliverySchema.index({ createdAt: -1 });
