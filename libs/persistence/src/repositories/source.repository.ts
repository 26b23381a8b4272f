import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { BodyFormat, ConversionStatus, ForwardMethod, PayoutPolicy } from '@ricochet/domain/model';
import { Model, Types } from 'mongoose';
import { Endpoint, Source } from '../schemas/source.schema';
import { compact } from './filters';
import { parseObjectId, requireObjectId } from './object-id';
import { Page, PageRequest, paginate } from './pagination';
import { fromPayoutPolicy, toPayoutPolicy } from './payout-policy.mapper';
import { PERSISTENCE_OPTIONS, type ResolvedPersistenceOptions } from '../persistence.options';

export interface EndpointRecord {
  id: string;
  url: string;
  method: ForwardMethod;
  bodyFormat: BodyFormat;
  bodyTemplate?: string;
  headers: Record<string, string>;
  /** `['*']` = every event. */
  events: string[];
  statuses: ConversionStatus[];
  fireOnce: boolean;
  successBodyMatch?: string;
  maxRps?: number;
  signingSecret?: string;
  retryScheduleMs?: number[];
  enabled: boolean;
  disabledReason?: string;
}

export interface SourceRecord {
  id: string;
  name: string;
  payoutPolicy?: PayoutPolicy;
  endpoints: EndpointRecord[];
  createdAt: Date;
  updatedAt: Date;
}

/** An endpoint to store; pass `id` to keep an existing endpoint's identity when replacing the list. */
export type EndpointInput = Partial<Omit<EndpointRecord, 'url'>> & { url: string };

export interface NewSource {
  name: string;
  payoutPolicy?: PayoutPolicy;
  endpoints?: EndpointInput[];
}

/**
 * Fields to change. `endpoints` replaces the whole list: entries with an `id` keep it (deliveries refer to
 * endpoints by id), entries without get a new one. `payoutPolicy: null` removes the override.
 */
export interface SourcePatch {
  name?: string;
  payoutPolicy?: PayoutPolicy | null;
  endpoints?: EndpointInput[];
}

@Injectable()
export class SourceRepository {
  constructor(
    @InjectModel(Source.name) private readonly sources: Model<Source>,
    @Inject(PERSISTENCE_OPTIONS) private readonly options: ResolvedPersistenceOptions,
  ) {}

  async create(input: NewSource): Promise<SourceRecord> {
    const doc = await this.sources.create({
      name: input.name,
      payoutPolicy: input.payoutPolicy ? fromPayoutPolicy(input.payoutPolicy) : undefined,
      endpoints: (input.endpoints ?? []).map(toEndpointDoc),
    });
    return toSourceRecord(doc.toObject());
  }

  async findById(id: string): Promise<SourceRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const doc = await this.sources.findById(_id).lean<Source>().exec();
    return doc ? toSourceRecord(doc) : null;
  }

  list(page: PageRequest = {}): Promise<Page<SourceRecord>> {
    return paginate(this.sources, {}, page, toSourceRecord, {
      readPreference: this.options.adminReadPreference,
    });
  }

  /** @returns the updated source, or null when it does not exist. */
  async update(id: string, patch: SourcePatch): Promise<SourceRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const $set = compact({
      name: patch.name,
      payoutPolicy: patch.payoutPolicy ? fromPayoutPolicy(patch.payoutPolicy) : undefined,
      endpoints: patch.endpoints?.map(toEndpointDoc),
    });
    const unsetPolicy = patch.payoutPolicy === null ? { $unset: { payoutPolicy: 1 as const } } : {};
    const doc = await this.sources
      .findByIdAndUpdate(_id, { $set, ...unsetPolicy }, { returnDocument: 'after', runValidators: true })
      .lean<Source>()
      .exec();
    return doc ? toSourceRecord(doc) : null;
  }

  /** @returns whether a source was deleted. */
  async delete(id: string): Promise<boolean> {
    const _id = parseObjectId(id);
    if (!_id) {
      return false;
    }
    const result = await this.sources.deleteOne({ _id }).exec();
    return result.deletedCount === 1;
  }

  /** The endpoint with this id and the source that holds it: what a delivery needs to render and send. */
  async findEndpoint(endpointId: string): Promise<{ source: SourceRecord; endpoint: EndpointRecord } | null> {
    const _id = parseObjectId(endpointId);
    if (!_id) {
      return null;
    }
    const doc = await this.sources.findOne({ 'endpoints._id': _id }).lean<Source>().exec();
    if (!doc) {
      return null;
    }
    const source = toSourceRecord(doc);
    const endpoint = source.endpoints.find((candidate) => candidate.id === endpointId.toLowerCase());
    return endpoint ? { source, endpoint } : null;
  }

  /**
   * Switches an endpoint off (e.g. it answered 410 Gone) and records why.
   * @returns whether the endpoint exists.
   */
  async disableEndpoint(endpointId: string, reason: string): Promise<boolean> {
    const _id = parseObjectId(endpointId);
    if (!_id) {
      return false;
    }
    // One atomic pipeline update rather than `endpoints.$.enabled` + `endpoints.$.disabledReason`: same
    // effect on MongoDB, and the test stand-in (mingo) wrongly reports two positional paths as a conflict.
    const disable = { enabled: false, disabledReason: { $literal: String(reason) } };
    const result = await this.sources
      .updateOne(
        { 'endpoints._id': _id },
        [
          {
            $set: {
              endpoints: {
                $map: {
                  input: '$endpoints',
                  in: {
                    $cond: [{ $eq: ['$$this._id', _id] }, { $mergeObjects: ['$$this', disable] }, '$$this'],
                  },
                },
              },
            },
          },
        ],
        { updatePipeline: true },
      )
      .exec();
    return result.matchedCount === 1;
  }
}

function toEndpointDoc(input: EndpointInput): Partial<Endpoint> {
  const { id, ...fields } = input;
  return { ...fields, _id: id === undefined ? new Types.ObjectId() : requireObjectId('endpoints.id', id) };
}

function toEndpointRecord(doc: Endpoint): EndpointRecord {
  return {
    id: doc._id.toHexString(),
    url: doc.url,
    method: doc.method,
    bodyFormat: doc.bodyFormat,
    ...(doc.bodyTemplate !== undefined ? { bodyTemplate: doc.bodyTemplate } : {}),
    headers: { ...doc.headers },
    events: [...doc.events],
    statuses: [...doc.statuses],
    fireOnce: doc.fireOnce,
    ...(doc.successBodyMatch !== undefined ? { successBodyMatch: doc.successBodyMatch } : {}),
    ...(doc.maxRps !== undefined ? { maxRps: doc.maxRps } : {}),
    ...(doc.signingSecret !== undefined ? { signingSecret: doc.signingSecret } : {}),
    ...(doc.retryScheduleMs !== undefined ? { retryScheduleMs: [...doc.retryScheduleMs] } : {}),
    enabled: doc.enabled,
    ...(doc.disabledReason !== undefined ? { disabledReason: doc.disabledReason } : {}),
  };
}

function toSourceRecord(doc: Source): SourceRecord {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    ...(doc.payoutPolicy ? { payoutPolicy: toPayoutPolicy(doc.payoutPolicy) } : {}),
    endpoints: doc.endpoints.map(toEndpointRecord),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
