import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Micros, OfferState, PayoutPolicy } from '@ricochet/domain/model';
import { Model, QueryFilter } from 'mongoose';
import { Offer } from '../schemas/offer.schema';
import { compact } from './filters';
import { filterObjectId, parseObjectId, requireObjectId } from './object-id';
import { Page, PageRequest, paginate } from './pagination';
import { fromPayoutPolicy, toPayoutPolicy } from './payout-policy.mapper';
import { PERSISTENCE_OPTIONS, type ResolvedPersistenceOptions } from '../persistence.options';

export interface OfferRecord {
  id: string;
  advertiserId: string;
  name: string;
  /** Landing URL template. */
  url: string;
  fallbackUrl?: string;
  /** Revenue used when a postback carries no payout. */
  defaultRevenue?: Micros;
  payoutPolicy: PayoutPolicy;
  attributionWindowDays: number;
  status: OfferState;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewOffer {
  advertiserId: string;
  name: string;
  url: string;
  fallbackUrl?: string;
  defaultRevenue?: Micros;
  /** Default: passthrough. */
  payoutPolicy?: PayoutPolicy;
  /** Default: 30. */
  attributionWindowDays?: number;
  /** Default: active. */
  status?: OfferState;
}

/** Fields to change; `null` removes an optional field. */
export type OfferPatch = Partial<Omit<NewOffer, 'advertiserId' | 'fallbackUrl' | 'defaultRevenue'>> & {
  fallbackUrl?: string | null;
  defaultRevenue?: Micros | null;
};

export interface OfferFilter {
  advertiserId?: string;
  status?: OfferState;
}

@Injectable()
export class OfferRepository {
  constructor(
    @InjectModel(Offer.name) private readonly offers: Model<Offer>,
    @Inject(PERSISTENCE_OPTIONS) private readonly options: ResolvedPersistenceOptions,
  ) {}

  async create(input: NewOffer): Promise<OfferRecord> {
    const doc = await this.offers.create({
      ...input,
      advertiserId: requireObjectId('advertiserId', input.advertiserId),
      payoutPolicy: input.payoutPolicy ? fromPayoutPolicy(input.payoutPolicy) : undefined,
    });
    return toOfferRecord(doc.toObject());
  }

  async findById(id: string): Promise<OfferRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const doc = await this.offers.findById(_id).lean<Offer>().exec();
    return doc ? toOfferRecord(doc) : null;
  }

  list(filter: OfferFilter = {}, page: PageRequest = {}): Promise<Page<OfferRecord>> {
    const query: QueryFilter<Offer> = compact({
      advertiserId: filter.advertiserId === undefined ? undefined : filterObjectId(filter.advertiserId),
      status: filter.status,
    });
    return paginate(this.offers, query, page, toOfferRecord, {
      readPreference: this.options.adminReadPreference,
    });
  }

  /** @returns the updated offer, or null when it does not exist. */
  async update(id: string, patch: OfferPatch): Promise<OfferRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const { fallbackUrl, defaultRevenue, payoutPolicy, ...fields } = patch;
    const $set = compact({
      ...fields,
      fallbackUrl: fallbackUrl ?? undefined,
      defaultRevenue: defaultRevenue ?? undefined,
      payoutPolicy: payoutPolicy ? fromPayoutPolicy(payoutPolicy) : undefined,
    });
    const $unset = compact({
      fallbackUrl: fallbackUrl === null ? (1 as const) : undefined,
      defaultRevenue: defaultRevenue === null ? (1 as const) : undefined,
    });
    const doc = await this.offers
      .findByIdAndUpdate(
        _id,
        { $set, ...(Object.keys($unset).length > 0 ? { $unset } : {}) },
        { returnDocument: 'after', runValidators: true },
      )
      .lean<Offer>()
      .exec();
    return doc ? toOfferRecord(doc) : null;
  }

  /** @returns whether an offer was deleted. */
  async delete(id: string): Promise<boolean> {
    const _id = parseObjectId(id);
    if (!_id) {
      return false;
    }
    const result = await this.offers.deleteOne({ _id }).exec();
    return result.deletedCount === 1;
  }
}

function toOfferRecord(doc: Offer): OfferRecord {
  return {
    id: doc._id.toHexString(),
    advertiserId: doc.advertiserId.toHexString(),
    name: doc.name,
    url: doc.url,
    ...(doc.fallbackUrl !== undefined ? { fallbackUrl: doc.fallbackUrl } : {}),
    ...(doc.defaultRevenue !== undefined ? { defaultRevenue: doc.defaultRevenue } : {}),
    payoutPolicy: toPayoutPolicy(doc.payoutPolicy),
    attributionWindowDays: doc.attributionWindowDays,
    status: doc.status,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
