import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { POSTBACK_SIGNATURE_SCHEMES, type PostbackSignatureScheme } from '@ricochet/domain/delivery';
import { CanonicalParam, ConversionStatus } from '@ricochet/domain/model';
import { Types } from 'mongoose';

/** Who sends postbacks. */
@Schema({ collection: 'advertisers', versionKey: false, timestamps: true })
export class Advertiser {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true, trim: true })
  name!: string;

  /** Secret that authenticates the advertiser's postbacks; unique so a token names one advertiser. */
  @Prop({ type: String, required: true, unique: true })
  postbackToken!: string;

  /** CIDR allowlist; empty = any address. */
  @Prop({ type: [String], default: [] })
  allowedIps!: string[];

  /** The advertiser's parameter name → our canonical name (`{ aff_sub: 'clickId' }`); overrides the default aliases. */
  @Prop({ type: Object, default: () => ({}) })
  paramMap!: Record<string, CanonicalParam>;

  /** The advertiser's status value → our status (`{ sale: 'approved' }`); overrides the default synonyms. */
  @Prop({ type: Object, default: () => ({}) })
  statusMap!: Record<string, ConversionStatus>;

  @Prop({ type: String, default: 'USD', uppercase: true, minlength: 3, maxlength: 3 })
  defaultCurrency!: string;

  /** Optional HMAC secret for signed postbacks. */
  @Prop({ type: String })
  signingSecret?: string;

  /** How signed postbacks are checked; unset = `v1` (whole request + timestamp). `legacy-body` only when set. */
  @Prop({ type: String, enum: POSTBACK_SIGNATURE_SCHEMES })
  signatureScheme?: PostbackSignatureScheme;

  /** Tolerance of a `v1` signature's timestamp, in seconds; unset = SIGNATURE_TOLERANCE. */
  @Prop({ type: Number, min: 1, max: 86_400 })
  signatureToleranceSec?: number;

  createdAt!: Date;
  updatedAt!: Date;
}

export const AdvertiserSchema = SchemaFactory.createForClass(Advertiser);
