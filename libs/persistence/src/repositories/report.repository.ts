import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Micros } from '@ricochet/domain/model';
import { Model, PipelineStage, Types } from 'mongoose';
import { Advertiser } from '../schemas/advertiser.schema';
import { Click } from '../schemas/click.schema';
import { Conversion } from '../schemas/conversion.schema';
import { Delivery } from '../schemas/delivery.schema';
import { Offer } from '../schemas/offer.schema';
import { Source } from '../schemas/source.schema';
import { PERSISTENCE_OPTIONS, type ResolvedPersistenceOptions } from '../persistence.options';
import { timeRange } from './filters';

export const REPORT_GROUPS = ['day', 'offer', 'source', 'event'] as const;
/** How report rows are keyed: UTC day (`2026-11-24`), offer id, source id or conversion event. */
export type ReportGroupBy = (typeof REPORT_GROUPS)[number];

/** Half-open time range [from, to) on each collection's `createdAt`. */
export interface ReportRange {
  from?: Date;
  to?: Date;
}

/** Clicks have no event: grouped `by: 'all'` they come back as one row keyed {@link ALL_KEY}. */
export type ClickGroupBy = Exclude<ReportGroupBy, 'event'> | 'all';
export const ALL_KEY = '*';

export interface ClickTotals {
  key: string;
  clicks: number;
}

export interface ConversionTotals {
  key: string;
  /** Every conversion created in the range, whatever its status. */
  conversions: number;
  approved: number;
  /** Sums over approved conversions only: pending is not earned yet, rejected was reversed. */
  revenue: Micros;
  payout: Micros;
}

export interface DeliveryTotals {
  key: string;
  delivered: number;
  /** Delivered or dead: deliveries that reached a final state. */
  settled: number;
}

/**
 * The group key expression of a report. Days are UTC. Offer/source keys are ObjectIds, turned into hex
 * by {@link keyString} after the query (`$toString` on ObjectIds is not portable to every store we test on).
 */
export function groupKey(groupBy: ReportGroupBy | 'all', prefix = ''): unknown {
  switch (groupBy) {
    case 'day':
      return { $dateToString: { format: '%Y-%m-%d', date: `$${prefix}createdAt` } };
    case 'offer':
      return `$${prefix}offerId`;
    case 'source':
      return `$${prefix}sourceId`;
    case 'event':
      return `$${prefix}event`;
    case 'all':
      return ALL_KEY;
  }
}

/** A `$group` `_id` as the row key: ObjectIds as hex, anything else as its string. */
export function keyString(id: unknown): string {
  if (id instanceof Types.ObjectId) return id.toHexString();
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
}

function createdIn(range: ReportRange): PipelineStage[] {
  const createdAt = timeRange(range.from, range.to);
  return createdAt ? [{ $match: { createdAt } }] : [];
}

const isApproved = { $eq: ['$status', 'approved'] };

/**
 * The width of a time slice: UTC quarter hours. Every UTC offset in use since 1980 is a whole number of
 * quarter hours, so each slice lies inside one local hour (and day) of any time zone, and the caller can
 * fold slices into local buckets exactly.
 */
export const REPORT_SLOT_MS = 15 * 60_000;

/**
 * What report slices are keyed by: a UTC quarter-hour slot of `createdAt` (its start, ms since the
 * epoch), the offer, source or advertiser id, or the conversion event.
 */
export type ReportSliceBy = 'slot' | 'offer' | 'source' | 'advertiser' | 'event';

/**
 * One group of one collection: clicks, the conversions of one currency, or deliveries. Fields the
 * collection does not count are 0.
 */
export interface ReportSlice {
  /** Slot start (ms since the epoch) for `slot`, the id as hex for entities, else the event. */
  key: string | number;
  /** The offer's, source's or advertiser's name; null for other keys and for deleted entities. */
  name: string | null;
  /** Conversion slices: the conversions' currency. Clicks and deliveries have none (null). */
  currency: string | null;
  clicks: number;
  /** Every conversion created in the range, whatever its status. */
  conversions: number;
  approved: number;
  /** Sums over approved conversions only. */
  revenue: Micros;
  payout: Micros;
  delivered: number;
  /** Delivered or dead. */
  settled: number;
}

function sliceKey(by: ReportSliceBy, prefix = ''): unknown {
  switch (by) {
    case 'slot': {
      const ms = { $toLong: `$${prefix}createdAt` };
      return { $subtract: [ms, { $mod: [ms, REPORT_SLOT_MS] }] };
    }
    case 'offer':
      return `$${prefix}offerId`;
    case 'source':
      return `$${prefix}sourceId`;
    case 'advertiser':
      return `$${prefix}advertiserId`;
    case 'event':
      return `$${prefix}event`;
  }
}

/** A slice key as the caller sees it: ObjectIds as hex, int64 slot starts as numbers. */
function sliceKeyValue(id: unknown): string | number {
  if (id instanceof Types.ObjectId) return id.toHexString();
  if (typeof id === 'number' || typeof id === 'string') return id;
  if (typeof id === 'bigint') return Number(id);
  if (
    id !== null &&
    typeof id === 'object' &&
    typeof (id as { toNumber?: unknown }).toNumber === 'function'
  ) {
    return (id as { toNumber(): number }).toNumber();
  }
  return '';
}

type SliceDoc = { _id: { k?: unknown; c?: unknown }; name?: unknown } & Record<string, unknown>;

/** A count or micro sum of a slice; absent where the slice's collection does not count it. */
function count(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  throw new TypeError(`report slice: expected a number, got ${typeof value}`);
}

/**
 * Report aggregations (`GET /api/reports`): counts and exact micro sums per group, computed in MongoDB.
 * They read with the admin read preference (MONGO_ADMIN_READ_PREFERENCE): nothing is written from them.
 */
@Injectable()
export class ReportRepository {
  constructor(
    @InjectModel(Click.name) private readonly clicks: Model<Click>,
    @InjectModel(Conversion.name) private readonly conversions: Model<Conversion>,
    @InjectModel(Delivery.name) private readonly deliveries: Model<Delivery>,
    @Inject(PERSISTENCE_OPTIONS) private readonly options: ResolvedPersistenceOptions,
  ) {}

  async clickTotals(groupBy: ClickGroupBy, range: ReportRange): Promise<ClickTotals[]> {
    const rows = await this.clicks
      .aggregate<{ _id: unknown; clicks: number }>([
        ...createdIn(range),
        { $group: { _id: groupKey(groupBy), clicks: { $sum: 1 } } },
      ])
      .read(this.options.adminReadPreference)
      .exec();
    return rows.map((row) => ({ key: keyString(row._id), clicks: row.clicks }));
  }

  async conversionTotals(groupBy: ReportGroupBy, range: ReportRange): Promise<ConversionTotals[]> {
    const rows = await this.conversions
      .aggregate<{ _id: unknown } & Omit<ConversionTotals, 'key'>>([
        ...createdIn(range),
        {
          $group: {
            _id: groupKey(groupBy),
            conversions: { $sum: 1 },
            approved: { $sum: { $cond: [isApproved, 1, 0] } },
            revenue: { $sum: { $cond: [isApproved, '$revenue', 0] } },
            payout: { $sum: { $cond: [isApproved, '$payout', 0] } },
          },
        },
      ])
      .read(this.options.adminReadPreference)
      .exec();
    return rows.map(({ _id, ...totals }) => ({ key: keyString(_id), ...totals }));
  }

  /**
   * Deliveries created in the range. Offer and event live on the conversion, so those groupings join it;
   * day and source group on the delivery itself.
   */
  async deliveryTotals(groupBy: ReportGroupBy, range: ReportRange): Promise<DeliveryTotals[]> {
    const joins = groupBy === 'offer' || groupBy === 'event';
    const join: PipelineStage[] = joins
      ? [
          {
            $lookup: {
              from: this.conversions.collection.collectionName,
              localField: 'conversionId',
              foreignField: '_id',
              as: 'conversion',
            },
          },
          { $unwind: '$conversion' },
        ]
      : [];
    const rows = await this.deliveries
      .aggregate<{ _id: unknown; delivered: number; settled: number }>([
        ...createdIn(range),
        ...join,
        {
          $group: {
            _id: groupKey(groupBy, joins ? 'conversion.' : ''),
            delivered: { $sum: { $cond: [{ $eq: ['$state', 'delivered'] }, 1, 0] } },
            settled: { $sum: { $cond: [{ $in: ['$state', ['delivered', 'dead']] }, 1, 0] } },
          },
        },
      ])
      .read(this.options.adminReadPreference)
      .exec();
    return rows.map((row) => ({ key: keyString(row._id), delivered: row.delivered, settled: row.settled }));
  }

  /** Clicks created in the range. */
  clickCount(range: ReportRange): Promise<number> {
    const createdAt = timeRange(range.from, range.to);
    return this.clicks
      .countDocuments(createdAt ? { createdAt } : {})
      .read(this.options.adminReadPreference)
      .exec();
  }

  /**
   * Clicks, conversions per currency and deliveries of the range grouped by `by`, as one cursor sorted by
   * key (then currency, click and delivery slices first): all slices of one key arrive together, so the
   * caller can stream rows. Grouped by event there are no click slices (clicks have no event; see
   * {@link clickCount}). Deliveries are keyed like {@link deliveryTotals}; time slices use each
   * collection's own `createdAt`. Entity keys carry the entity's name.
   */
  async *slices(by: ReportSliceBy, range: ReportRange): AsyncGenerator<ReportSlice> {
    const joins = by === 'offer' || by === 'advertiser' || by === 'event';
    const clickBranch: PipelineStage[] = [
      ...createdIn(range),
      { $group: { _id: { k: sliceKey(by) }, clicks: { $sum: 1 } } },
    ];
    const conversionBranch: PipelineStage[] = [
      ...createdIn(range),
      {
        $group: {
          _id: { k: sliceKey(by), c: '$currency' },
          conversions: { $sum: 1 },
          approved: { $sum: { $cond: [isApproved, 1, 0] } },
          revenue: { $sum: { $cond: [isApproved, '$revenue', 0] } },
          payout: { $sum: { $cond: [isApproved, '$payout', 0] } },
        },
      },
    ];
    const deliveryBranch: PipelineStage[] = [
      ...createdIn(range),
      ...(joins
        ? [
            {
              $lookup: {
                from: this.conversions.collection.collectionName,
                localField: 'conversionId',
                foreignField: '_id',
                as: 'conversion',
              },
            },
            { $unwind: '$conversion' },
          ]
        : []),
      {
        $group: {
          _id: { k: sliceKey(by, joins ? 'conversion.' : '') },
          delivered: { $sum: { $cond: [{ $eq: ['$state', 'delivered'] }, 1, 0] } },
          settled: { $sum: { $cond: [{ $in: ['$state', ['delivered', 'dead']] }, 1, 0] } },
        },
      },
    ] as PipelineStage[];
    const union = (model: Model<unknown>, pipeline: PipelineStage[]): PipelineStage =>
      ({ $unionWith: { coll: model.collection.collectionName, pipeline } }) as PipelineStage;
    const names = this.entityCollection(by);
    const fields = {
      clicks: 1,
      conversions: 1,
      approved: 1,
      revenue: 1,
      payout: 1,
      delivered: 1,
      settled: 1,
    };
    const pipeline: PipelineStage[] = [
      ...(by === 'event'
        ? conversionBranch
        : [...clickBranch, union(this.conversions as Model<unknown>, conversionBranch)]),
      union(this.deliveries as Model<unknown>, deliveryBranch),
      { $sort: { '_id.k': 1, '_id.c': 1 } },
      ...(names
        ? ([
            { $lookup: { from: names, localField: '_id.k', foreignField: '_id', as: 'entity' } },
            { $project: { _id: 1, ...fields, name: { $arrayElemAt: ['$entity.name', 0] } } },
          ] as PipelineStage[])
        : []),
    ];
    const base = (by === 'event' ? this.conversions : this.clicks) as Model<unknown>;
    const cursor = base
      .aggregate<SliceDoc>(pipeline)
      .read(this.options.adminReadPreference)
      .allowDiskUse(true)
      .cursor({ batchSize: 1000 });
    try {
      for await (const raw of cursor) {
        const doc = raw as SliceDoc;
        yield {
          key: sliceKeyValue(doc._id.k),
          name: typeof doc.name === 'string' ? doc.name : null,
          currency: typeof doc._id.c === 'string' ? doc._id.c : null,
          clicks: count(doc.clicks),
          conversions: count(doc.conversions),
          approved: count(doc.approved),
          revenue: count(doc.revenue),
          payout: count(doc.payout),
          delivered: count(doc.delivered),
          settled: count(doc.settled),
        };
      }
    } finally {
      await cursor.close();
    }
  }

  /** The collection whose `name` labels the keys of `by`, if they are entity ids. */
  private entityCollection(by: ReportSliceBy): string | undefined {
    const model =
      by === 'offer'
        ? Offer.name
        : by === 'source'
          ? Source.name
          : by === 'advertiser'
            ? Advertiser.name
            : undefined;
    return model === undefined ? undefined : this.clicks.db.model(model).collection.collectionName;
  }
}
