import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Micros } from '@ricochet/domain/model';
import { Model, PipelineStage, Types } from 'mongoose';
import { Click } from '../schemas/click.schema';
import { Conversion } from '../schemas/conversion.schema';
import { Delivery } from '../schemas/delivery.schema';
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

/** Report aggregations (`GET /api/reports`): counts and exact micro sums per group, computed in MongoDB. */
@Injectable()
export class ReportRepository {
  constructor(
    @InjectModel(Click.name) private readonly clicks: Model<Click>,
    @InjectModel(Conversion.name) private readonly conversions: Model<Conversion>,
    @InjectModel(Delivery.name) private readonly deliveries: Model<Delivery>,
  ) {}

  async clickTotals(groupBy: ClickGroupBy, range: ReportRange): Promise<ClickTotals[]> {
    const rows = await this.clicks
      .aggregate<{ _id: unknown; clicks: number }>([
        ...createdIn(range),
        { $group: { _id: groupKey(groupBy), clicks: { $sum: 1 } } },
      ])
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
      .exec();
    return rows.map((row) => ({ key: keyString(row._id), delivered: row.delivered, settled: row.settled }));
  }
}
