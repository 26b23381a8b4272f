import { Schema } from 'mongoose';
import { RetentionOptions } from './persistence.options';
import { Advertiser, AdvertiserSchema } from './schemas/advertiser.schema';
import { buildClickSchema, Click } from './schemas/click.schema';
import { Conversion, ConversionSchema } from './schemas/conversion.schema';
import { buildDeliveryAttemptSchema, DeliveryAttempt } from './schemas/delivery-attempt.schema';
import { Delivery, DeliverySchema } from './schemas/delivery.schema';
import { Offer, OfferSchema } from './schemas/offer.schema';
import { buildPostbackSchema, Postback } from './schemas/postback.schema';
import { Source, SourceSchema } from './schemas/source.schema';

/** Every model this library registers; the TTL'd schemas are built from the configured retention. */
export const PERSISTENCE_MODELS: readonly {
  name: string;
  schema: (retention: RetentionOptions) => Schema;
}[] = [
  { name: Advertiser.name, schema: () => AdvertiserSchema },
  { name: Offer.name, schema: () => OfferSchema },
  { name: Source.name, schema: () => SourceSchema },
  { name: Click.name, schema: buildClickSchema },
  { name: Postback.name, schema: buildPostbackSchema },
  { name: Conversion.name, schema: () => ConversionSchema },
  { name: Delivery.name, schema: () => DeliverySchema },
  { name: DeliveryAttempt.name, schema: buildDeliveryAttemptSchema },
];
