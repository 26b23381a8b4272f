import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ConversionStatus, Micros } from '@ricochet/domain/model';
import { Model, QueryFilter, Types } from 'mongoose';
import { isDuplicateKeyError } from '../persistence.errors';
import { Conversion, ConversionHistoryEntry, HistoryActor } from '../schemas/conversion.schema';
import { assertMicros } from '../schemas/micros';
import { compact, oneOrMany, timeRange } from './filters';
import { filterObjectId, optionalObjectId, parseObjectId, requireObjectId } from './object-id';
import { InsertBatcher } from './turn-batchers';
import { Page, PageRequest, paginate } from './pagination';
import { claimDue, SweepClaimOptions } from './sweep';
import { PERSISTENCE_OPTIONS, type ResolvedPersistenceOptions } from '../persistence.options';

export interface ConversionHistoryRecord {
  status: ConversionStatus;
  at: Date;
  postbackId?: string;
  by: HistoryActor;
  note?: string;
}

export interface ConversionPlanRecord {
  status: ConversionStatus;
  reversal: boolean;
  at: Date;
}

export interface ConversionRecord {
  id: string;
  clickId: string;
  offerId: string;
  sourceId: string;
  advertiserId: string;
  event: string;
  txid?: string;
  status: ConversionStatus;
  revenue: Micros;
  payout: Micros;
  currency: string;
  history: ConversionHistoryRecord[];
  /** State changes whose deliveries are still to be planned (admin changes; see the schema). */
  pendingPlans: ConversionPlanRecord[];
  dedupKey: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewConversion {
  clickId: string;
  offerId: string;
  sourceId: string;
  advertiserId: string;
  event: string;
  txid?: string;
  status: ConversionStatus;
  revenue: Micros;
  payout: Micros;
  currency: string;
  /** The postback that created it; becomes the first history entry. */
  postbackId?: string;
}

/** A status change: who made it and why. `at` defaults to now. */
export interface HistoryEntryInput {
  by: HistoryActor;
  postbackId?: string;
  note?: string;
  at?: Date;
}

export type InsertConversionResult =
  { created: true; conversion: ConversionRecord } | { created: false; existing: ConversionRecord };

export interface ConversionFilter {
  status?: ConversionStatus | ConversionStatus[];
  advertiserId?: string;
  offerId?: string;
  sourceId?: string;
  clickId?: string;
  event?: string;
  /** `createdAt` ≥ from. */
  from?: Date;
  /** `createdAt` < to. */
  to?: Date;
}

/**
 * The dedup key: `(advertiserId, txid)` when the postback carries a txid, else
 * `(clickId, event)`. Parts are URI-encoded so `:` inside a txid or click id cannot make two keys collide.
 */
export function conversionDedupKey(
  conversion: Pick<NewConversion, 'advertiserId' | 'txid' | 'clickId' | 'event'>,
): string {
  return conversion.txid
    ? `tx:${conversion.advertiserId.toLowerCase()}:${encodeURIComponent(conversion.txid)}`
    : `ev:${encodeURIComponent(conversion.clickId)}:${encodeURIComponent(conversion.event)}`;
}

@Injectable()
export class ConversionRepository {
  private readonly inserts: InsertBatcher;

  constructor(
    @InjectModel(Conversion.name) private readonly conversions: Model<Conversion>,
    @Inject(PERSISTENCE_OPTIONS) private readonly options: ResolvedPersistenceOptions,
  ) {
    this.inserts = new InsertBatcher(() => this.conversions.collection);
  }

  /**
   * Inserts the conversion unless one with the same dedup key exists. Race-free: concurrent identical
   * inserts collide on the unique index, exactly one is created and the others get the winner back.
   */
  async insertIfAbsent(input: NewConversion): Promise<InsertConversionResult> {
    const dedupKey = conversionDedupKey(input);
    const { postbackId, ...fields } = input;
    assertMicros('revenue', input.revenue);
    assertMicros('payout', input.payout);
    const at = new Date();
    // The winner of a race is visible once our insert fails on its key; retry covers a deleted winner.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      // The worker's hot path: a plain document straight to the driver (batched with concurrent
      // attributions); the inputs come typed from attribution, which validated them.
      const doc = compact({
        _id: new Types.ObjectId(),
        ...fields,
        offerId: requireObjectId('offerId', input.offerId),
        sourceId: requireObjectId('sourceId', input.sourceId),
        advertiserId: requireObjectId('advertiserId', input.advertiserId),
        currency: fields.currency.toUpperCase(),
        dedupKey,
        history: [
          compact({
            status: input.status,
            at,
            by: 'postback' as const,
            postbackId: optionalObjectId('postbackId', postbackId),
          }) as ConversionHistoryEntry,
        ],
        createdAt: at,
        updatedAt: at,
      }) as Conversion;
      const result = await this.inserts.insert(doc);
      if (result.ok) return { created: true, conversion: toConversionRecord(doc) };
      if (!isDuplicateKeyError(result.error)) throw result.error;
      const existing = await this.conversions.findOne({ dedupKey }).lean<Conversion>().exec();
      if (existing) {
        return { created: false, existing: toConversionRecord(existing) };
      }
    }
    throw new Error(`conversion ${dedupKey} collided on its unique index but could not be read back`);
  }

  /**
   * Compare-and-set status change: applies only while the status is still `from`, and appends the
   * history entry in the same write. Optionally updates the amounts (e.g. a payout confirmed on approval).
   * @returns the updated conversion, or null when it does not exist or another writer changed it first.
   */
  async transitionStatus(
    id: string,
    from: ConversionStatus,
    to: ConversionStatus,
    entry: HistoryEntryInput,
    amounts: { revenue?: Micros; payout?: Micros } = {},
    options: { planDue?: { reversal: boolean } } = {},
  ): Promise<ConversionRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const historyEntry: ConversionHistoryEntry = compact({
      status: to,
      at: entry.at ?? new Date(),
      by: entry.by,
      postbackId: optionalObjectId('postbackId', entry.postbackId),
      note: entry.note,
    }) as ConversionHistoryEntry;
    const doc = await this.conversions
      .findOneAndUpdate(
        { _id, status: from },
        {
          $set: compact({
            status: to,
            revenue: amounts.revenue,
            payout: amounts.payout,
            planDueAt: options.planDue ? historyEntry.at : undefined,
          }),
          $push: options.planDue
            ? {
                history: historyEntry,
                pendingPlans: { status: to, reversal: options.planDue.reversal, at: historyEntry.at },
              }
            : { history: historyEntry },
        },
        { returnDocument: 'after', runValidators: true },
      )
      .lean<Conversion>()
      .exec();
    return doc ? toConversionRecord(doc) : null;
  }

  /**
   * Removes the planned state changes from the conversion's `pendingPlans` (matched by time), and clears
   * `planDueAt` once none is left.
   */
  async completePlans(id: string, plannedAt: readonly Date[]): Promise<void> {
    const _id = requireObjectId('conversionId', id);
    await this.conversions.updateOne({ _id }, { $pull: { pendingPlans: { at: { $in: plannedAt } } } }).exec();
    await this.conversions
      .updateOne({ _id, pendingPlans: { $size: 0 } }, { $unset: { planDueAt: 1 } })
      .exec();
  }

  /**
   * Claims conversions whose recorded state changes have not been planned past the grace period (the
   * `plan` job was lost), for the sweeper to re-enqueue.
   */
  async claimPlansDueForSweep(now: Date, limit: number, options: SweepClaimOptions = {}): Promise<string[]> {
    const claimed = await claimDue(this.conversions, {}, now, limit, options, {
      deadlineField: 'planDueAt',
    });
    return claimed.map((doc) => doc._id.toHexString());
  }

  async findById(id: string): Promise<ConversionRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const doc = await this.conversions.collection.findOne<Conversion>({ _id });
    return doc ? toConversionRecord(doc) : null;
  }

  list(filter: ConversionFilter = {}, page: PageRequest = {}): Promise<Page<ConversionRecord>> {
    const query: QueryFilter<Conversion> = compact({
      status: filter.status === undefined ? undefined : oneOrMany(filter.status),
      advertiserId: filter.advertiserId === undefined ? undefined : filterObjectId(filter.advertiserId),
      offerId: filter.offerId === undefined ? undefined : filterObjectId(filter.offerId),
      sourceId: filter.sourceId === undefined ? undefined : filterObjectId(filter.sourceId),
      clickId: filter.clickId,
      event: filter.event,
      createdAt: timeRange(filter.from, filter.to),
    });
    return paginate(this.conversions, query, page, toConversionRecord, {
      readPreference: this.options.adminReadPreference,
    });
  }

  /** Every conversion of one click, oldest first (the click trace). */
  async listByClickId(clickId: string): Promise<ConversionRecord[]> {
    const docs = await this.conversions
      .find({ clickId: String(clickId) })
      .sort({ _id: 1 })
      .lean<Conversion[]>()
      .exec();
    return docs.map(toConversionRecord);
  }
}

function toHistoryRecord(entry: ConversionHistoryEntry): ConversionHistoryRecord {
  return {
    status: entry.status,
    at: entry.at,
    ...(entry.postbackId ? { postbackId: entry.postbackId.toHexString() } : {}),
    by: entry.by,
    ...(entry.note !== undefined ? { note: entry.note } : {}),
  };
}

function toConversionRecord(doc: Conversion): ConversionRecord {
  return {
    id: doc._id.toHexString(),
    clickId: doc.clickId,
    offerId: doc.offerId.toHexString(),
    sourceId: doc.sourceId.toHexString(),
    advertiserId: doc.advertiserId.toHexString(),
    event: doc.event,
    ...(doc.txid !== undefined ? { txid: doc.txid } : {}),
    status: doc.status,
    revenue: doc.revenue,
    payout: doc.payout,
    currency: doc.currency,
    history: doc.history.map(toHistoryRecord),
    pendingPlans: (doc.pendingPlans ?? []).map((plan) => ({ ...plan })),
    dedupKey: doc.dedupKey,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
