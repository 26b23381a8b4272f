import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { PostbackSignatureScheme } from '@ricochet/domain/delivery';
import { CanonicalParam, ConversionStatus } from '@ricochet/domain/model';
import { Model } from 'mongoose';
import { DuplicateKeyError, isDuplicateKeyError } from '../persistence.errors';
import { Advertiser } from '../schemas/advertiser.schema';
import { compact } from './filters';
import { parseObjectId } from './object-id';
import { Page, PageRequest, paginate } from './pagination';
import { PERSISTENCE_OPTIONS, type ResolvedPersistenceOptions } from '../persistence.options';

export interface AdvertiserRecord {
  id: string;
  name: string;
  postbackToken: string;
  allowedIps: string[];
  /** The advertiser's parameter name → canonical name; overrides the default aliases. */
  paramMap: Record<string, CanonicalParam>;
  /** The advertiser's status value → our status; overrides the default synonyms. */
  statusMap: Record<string, ConversionStatus>;
  defaultCurrency: string;
  signingSecret?: string;
  /** How signed postbacks are checked: `v1` unless the advertiser was switched to `legacy-body`. */
  signatureScheme: PostbackSignatureScheme;
  /** Tolerance of a `v1` signature's timestamp in seconds; absent = the gateway's SIGNATURE_TOLERANCE. */
  signatureToleranceSec?: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewAdvertiser {
  name: string;
  postbackToken: string;
  allowedIps?: string[];
  paramMap?: Record<string, CanonicalParam>;
  statusMap?: Record<string, ConversionStatus>;
  defaultCurrency?: string;
  signingSecret?: string;
  signatureScheme?: PostbackSignatureScheme;
  signatureToleranceSec?: number;
}

/** Fields to change; `signingSecret: null` removes the secret, `signatureToleranceSec: null` the own tolerance. */
export type AdvertiserPatch = Partial<Omit<NewAdvertiser, 'signingSecret' | 'signatureToleranceSec'>> & {
  signingSecret?: string | null;
  signatureToleranceSec?: number | null;
};

@Injectable()
export class AdvertiserRepository {
  constructor(
    @InjectModel(Advertiser.name) private readonly advertisers: Model<Advertiser>,
    @Inject(PERSISTENCE_OPTIONS) private readonly options: ResolvedPersistenceOptions,
  ) {}

  /** @throws DuplicateKeyError when the postback token is already taken. */
  async create(input: NewAdvertiser): Promise<AdvertiserRecord> {
    try {
      const doc = await this.advertisers.create(input);
      return toAdvertiserRecord(doc.toObject());
    } catch (error) {
      throw translateDuplicate(error);
    }
  }

  async findById(id: string): Promise<AdvertiserRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const doc = await this.advertisers.findById(_id).lean<Advertiser>().exec();
    return doc ? toAdvertiserRecord(doc) : null;
  }

  /** The advertiser that owns a postback token: the intake's authentication lookup. */
  async findByPostbackToken(postbackToken: string): Promise<AdvertiserRecord | null> {
    const doc = await this.advertisers
      .findOne({ postbackToken: String(postbackToken) })
      .lean<Advertiser>()
      .exec();
    return doc ? toAdvertiserRecord(doc) : null;
  }

  list(page: PageRequest = {}): Promise<Page<AdvertiserRecord>> {
    return paginate(this.advertisers, {}, page, toAdvertiserRecord, {
      readPreference: this.options.adminReadPreference,
    });
  }

  /** @returns the updated advertiser, or null when it does not exist. */
  async update(id: string, patch: AdvertiserPatch): Promise<AdvertiserRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const { signingSecret, signatureToleranceSec, ...fields } = patch;
    const unset = {
      ...(signingSecret === null ? { signingSecret: 1 as const } : {}),
      ...(signatureToleranceSec === null ? { signatureToleranceSec: 1 as const } : {}),
    };
    const update = {
      $set: compact({
        ...fields,
        ...(typeof signingSecret === 'string' ? { signingSecret } : {}),
        ...(typeof signatureToleranceSec === 'number' ? { signatureToleranceSec } : {}),
      }),
      ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
    };
    try {
      const doc = await this.advertisers
        .findByIdAndUpdate(_id, update, { returnDocument: 'after', runValidators: true })
        .lean<Advertiser>()
        .exec();
      return doc ? toAdvertiserRecord(doc) : null;
    } catch (error) {
      throw translateDuplicate(error);
    }
  }

  /** @returns whether an advertiser was deleted. */
  async delete(id: string): Promise<boolean> {
    const _id = parseObjectId(id);
    if (!_id) {
      return false;
    }
    const result = await this.advertisers.deleteOne({ _id }).exec();
    return result.deletedCount === 1;
  }
}

function translateDuplicate(error: unknown): unknown {
  return isDuplicateKeyError(error) ? new DuplicateKeyError('advertisers', { postbackToken: '…' }) : error;
}

function toAdvertiserRecord(doc: Advertiser): AdvertiserRecord {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    postbackToken: doc.postbackToken,
    allowedIps: [...(doc.allowedIps ?? [])],
    paramMap: { ...doc.paramMap },
    statusMap: { ...doc.statusMap },
    defaultCurrency: doc.defaultCurrency,
    ...(doc.signingSecret !== undefined ? { signingSecret: doc.signingSecret } : {}),
    signatureScheme: doc.signatureScheme ?? 'v1',
    ...(typeof doc.signatureToleranceSec === 'number'
      ? { signatureToleranceSec: doc.signatureToleranceSec }
      : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
