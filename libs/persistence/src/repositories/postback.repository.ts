import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ConversionStatus, ForwardMethod, Micros, PostbackOutcome } from '@ricochet/domain/model';
import { Model, QueryFilter, Types } from 'mongoose';
import { NormalizedPostback, Postback } from '../schemas/postback.schema';
import { compact, oneOrMany, timeRange } from './filters';
import { FindBatcher, InsertBatcher, UpdateBatcher } from './turn-batchers';
import { filterObjectId, optionalObjectId, parseObjectId, requireObjectId } from './object-id';
import { Page, PageRequest, paginate } from './pagination';
import { claimDue, SweepClaimOptions } from './sweep';
import { PERSISTENCE_OPTIONS, type ResolvedPersistenceOptions } from '../persistence.options';

export interface NormalizedPostbackFields {
  clickId: string;
  payout?: Micros;
  txid?: string;
  status: ConversionStatus;
  event: string;
  currency?: string;
}

export interface PostbackRecord {
  id: string;
  advertiserId: string;
  /** Every received parameter, as received. */
  params: Record<string, string>;
  method: ForwardMethod;
  ip?: string;
  receivedAt: Date;
  outcome: PostbackOutcome;
  rejectReason?: string;
  rejectMessage?: string;
  normalized?: NormalizedPostbackFields;
  conversionId?: string;
  attributionAttempts: number;
  nextAttemptAt?: Date;
  waitUntil?: Date;
}

export interface NewPostback {
  advertiserId: string;
  params: Record<string, string>;
  method: ForwardMethod;
  ip?: string;
  /** Default: now. */
  receivedAt?: Date;
  /** Default: accepted. Intake stores requests it refuses as `rejected` with a reason. */
  outcome?: PostbackOutcome;
  rejectReason?: string;
  rejectMessage?: string;
  normalized?: NormalizedPostbackFields;
  /** When the sweeper should re-enqueue attribution if no job has finished it. */
  nextAttemptAt?: Date;
}

/** What else changes with an outcome. Any outcome but `accepted` clears `nextAttemptAt`. */
export interface PostbackOutcomeChange {
  rejectReason?: string;
  rejectMessage?: string;
  conversionId?: string;
  waitUntil?: Date;
}

export interface PostbackFilter {
  advertiserId?: string;
  outcome?: PostbackOutcome | PostbackOutcome[];
  clickId?: string;
  /** `receivedAt` ≥ from. */
  from?: Date;
  /** `receivedAt` < to. */
  to?: Date;
}

/** Outcomes of a postback still waiting for its click. */
const PARKED_OUTCOMES: PostbackOutcome[] = ['accepted', 'unattributed'];

@Injectable()
export class PostbackRepository {
  /** Concurrent intake writes share one journaled insertMany per event-loop turn. */
  private readonly inserts: InsertBatcher;
  private readonly updates: UpdateBatcher;
  private readonly reads: FindBatcher<Types.ObjectId>;

  constructor(
    @InjectModel(Postback.name) private readonly postbacks: Model<Postback>,
    @Inject(PERSISTENCE_OPTIONS) private readonly options: ResolvedPersistenceOptions,
  ) {
    // An operation-level write concern replaces the connection's whole: it repeats the configured `w`.
    this.inserts = new InsertBatcher(() => this.postbacks.collection, {
      writeConcern: { w: options.writeConcern, j: true },
    });
    this.updates = new UpdateBatcher(() => this.postbacks.collection);
    this.reads = new FindBatcher(() => this.postbacks.collection, '_id', String);
  }

  /**
   * Stores a raw postback with the configured `w` and `j: true`: this resolves only once the write is
   * journaled (on a majority of the replica set by default), so the intake answers 200 only for a durable
   * postback.
   */
  async recordPostback(input: NewPostback): Promise<PostbackRecord> {
    // The intake hot path: a plain document straight to the driver. Hydrating a mongoose document (and
    // its params sub-array) cost more CPU than the rest of the request; the inputs are already
    // validated by the domain parser and typed here.
    const doc = compact({
      _id: new Types.ObjectId(),
      advertiserId: requireObjectId('advertiserId', input.advertiserId),
      params: Object.entries(input.params).map(([name, value]) => ({ name, value })),
      method: input.method,
      ip: input.ip,
      receivedAt: input.receivedAt ?? new Date(),
      outcome: input.outcome ?? 'accepted',
      rejectReason: input.rejectReason,
      rejectMessage: input.rejectMessage,
      normalized: input.normalized && (compact({ ...input.normalized }) as NormalizedPostback),
      attributionAttempts: 0,
      nextAttemptAt: input.nextAttemptAt,
    }) as Postback;
    const result = await this.inserts.insert(doc);
    if (!result.ok) throw result.error;
    return toPostbackRecord(doc);
  }

  async findById(id: string): Promise<PostbackRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    // The worker's hot path: the driver directly, no mongoose query casting; the reads of one
    // event-loop turn share one query.
    const doc = (await this.reads.findOne(_id)) as Postback | null;
    return doc ? toPostbackRecord(doc) : null;
  }

  list(filter: PostbackFilter = {}, page: PageRequest = {}): Promise<Page<PostbackRecord>> {
    const query: QueryFilter<Postback> = compact({
      advertiserId: filter.advertiserId === undefined ? undefined : filterObjectId(filter.advertiserId),
      outcome: filter.outcome === undefined ? undefined : oneOrMany(filter.outcome),
      'normalized.clickId': filter.clickId,
      receivedAt: timeRange(filter.from, filter.to),
    });
    return paginate(this.postbacks, query, page, toPostbackRecord, {
      readPreference: this.options.adminReadPreference,
    });
  }

  /**
   * Records where attribution left the postback and counts the attempt.
   * @returns the updated postback, or null when it does not exist.
   */
  async markOutcome(
    id: string,
    outcome: PostbackOutcome,
    change: PostbackOutcomeChange = {},
  ): Promise<PostbackRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const $set = compact({
      outcome,
      rejectReason: change.rejectReason,
      rejectMessage: change.rejectMessage,
      conversionId: optionalObjectId('conversionId', change.conversionId),
      waitUntil: change.waitUntil,
    });
    const doc = await this.postbacks
      .findByIdAndUpdate(
        _id,
        {
          $set,
          $inc: { attributionAttempts: 1 },
          ...(outcome === 'accepted' ? {} : { $unset: { nextAttemptAt: 1 as const } }),
        },
        { returnDocument: 'after', runValidators: true },
      )
      .lean<Postback>()
      .exec();
    return doc ? toPostbackRecord(doc) : null;
  }

  /**
   * Like {@link markOutcome} without reading the document back, batched with the other outcomes settled
   * in the same event-loop turn (the attribution hot path).
   */
  async settleOutcome(
    id: string,
    outcome: PostbackOutcome,
    change: PostbackOutcomeChange = {},
  ): Promise<void> {
    const _id = requireObjectId('postbackId', id);
    const $set = compact({
      outcome,
      rejectReason: change.rejectReason,
      rejectMessage: change.rejectMessage,
      conversionId: optionalObjectId('conversionId', change.conversionId),
      waitUntil: change.waitUntil,
    });
    await this.updates.updateOne(
      { _id },
      {
        $set,
        $inc: { attributionAttempts: 1 },
        ...(outcome === 'accepted' ? {} : { $unset: { nextAttemptAt: 1 as const } }),
      },
    );
  }

  /**
   * Keeps a postback `accepted` and moves its sweeper deadline, e.g. while it waits for its click
   * (the attempt is counted; `waitUntil` is set once, on the first miss).
   * @returns whether the postback exists.
   */
  async scheduleNextAttempt(id: string, at: Date, waitUntil?: Date): Promise<boolean> {
    const _id = parseObjectId(id);
    if (!_id) {
      return false;
    }
    const result = await this.postbacks
      .updateOne(
        { _id },
        { $set: compact({ nextAttemptAt: at, waitUntil }), $inc: { attributionAttempts: 1 } },
      )
      .exec();
    return result.matchedCount === 1;
  }

  /**
   * Puts a postback back to `accepted` for an admin replay, clearing any rejection.
   * @returns the updated postback, or null when it does not exist.
   */
  async resetForReplay(id: string, nextAttemptAt: Date): Promise<PostbackRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const doc = await this.postbacks
      .findByIdAndUpdate(
        _id,
        {
          $set: { outcome: 'accepted', nextAttemptAt },
          $unset: { rejectReason: 1, rejectMessage: 1, waitUntil: 1 },
        },
        { returnDocument: 'after' },
      )
      .lean<Postback>()
      .exec();
    return doc ? toPostbackRecord(doc) : null;
  }

  /**
   * Postbacks parked on a click id that was not known yet (`accepted` and waiting, or `unattributed`):
   * registering the click re-attributes them. Oldest first.
   */
  async findParkedByClickId(clickId: string, limit = 1000): Promise<PostbackRecord[]> {
    return this.findParkedByClickIds([clickId], limit);
  }

  /** Parked postbacks of any of these click ids, in one query (a bulk click registration). */
  async findParkedByClickIds(clickIds: readonly string[], limit = 1000): Promise<PostbackRecord[]> {
    if (clickIds.length === 0) return [];
    const docs = await this.postbacks
      .find({ 'normalized.clickId': { $in: clickIds.map(String) }, outcome: { $in: PARKED_OUTCOMES } })
      .sort({ receivedAt: 1 })
      .limit(limit)
      .lean<Postback[]>()
      .exec();
    return docs.map(toPostbackRecord);
  }

  /**
   * Claims `accepted` postbacks whose `nextAttemptAt` has passed, for the sweeper to re-enqueue
   * (a crash between the write and the enqueue, or a flushed Redis).
   * @returns the claimed postback ids, oldest deadline first.
   */
  async claimDueForSweep(now: Date, limit: number, options: SweepClaimOptions = {}): Promise<string[]> {
    const claimed = await claimDue(this.postbacks, { outcome: 'accepted' }, now, limit, options);
    return claimed.map((doc) => doc._id.toHexString());
  }
}

function toNormalized(doc: NormalizedPostback): NormalizedPostbackFields {
  return {
    clickId: doc.clickId,
    ...(doc.payout !== undefined ? { payout: doc.payout } : {}),
    ...(doc.txid !== undefined ? { txid: doc.txid } : {}),
    status: doc.status,
    event: doc.event,
    ...(doc.currency !== undefined ? { currency: doc.currency } : {}),
  };
}

function toPostbackRecord(doc: Postback): PostbackRecord {
  return {
    id: doc._id.toHexString(),
    advertiserId: doc.advertiserId.toHexString(),
    params: Object.fromEntries(doc.params.map((param) => [param.name, param.value])),
    method: doc.method,
    ...(doc.ip !== undefined ? { ip: doc.ip } : {}),
    receivedAt: doc.receivedAt,
    outcome: doc.outcome,
    ...(doc.rejectReason !== undefined ? { rejectReason: doc.rejectReason } : {}),
    ...(doc.rejectMessage !== undefined ? { rejectMessage: doc.rejectMessage } : {}),
    ...(doc.normalized ? { normalized: toNormalized(doc.normalized) } : {}),
    ...(doc.conversionId ? { conversionId: doc.conversionId.toHexString() } : {}),
    attributionAttempts: doc.attributionAttempts,
    ...(doc.nextAttemptAt ? { nextAttemptAt: doc.nextAttemptAt } : {}),
    ...(doc.waitUntil ? { waitUntil: doc.waitUntil } : {}),
  };
}
