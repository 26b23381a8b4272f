import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ConversionStatus, DeliveryState } from '@ricochet/domain/model';
import { Model, QueryFilter, Types } from 'mongoose';
import { isDuplicateKeyError } from '../persistence.errors';
import { Delivery } from '../schemas/delivery.schema';
import { compact, oneOrMany, timeRange } from './filters';
import { filterObjectId, parseObjectId, requireObjectId } from './object-id';
import { Page, PageRequest, paginate } from './pagination';
import { claimDue, SweepClaimOptions } from './sweep';

export interface DeliveryRecord {
  id: string;
  conversionId: string;
  endpointId: string;
  sourceId: string;
  /** The conversion status this delivery forwards. */
  status: ConversionStatus;
  idempotencyKey: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt?: Date;
  lastError?: string;
  lastStatusCode?: number;
  deliveredAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewDelivery {
  conversionId: string;
  endpointId: string;
  sourceId: string;
  status: ConversionStatus;
  /** Default: now. */
  nextAttemptAt?: Date;
}

export type CreateDeliveryResult =
  { created: true; delivery: DeliveryRecord } | { created: false; existing: DeliveryRecord };

export interface DeliveryFilter {
  state?: DeliveryState | DeliveryState[];
  endpointId?: string;
  sourceId?: string;
  conversionId?: string;
  /** `createdAt` ≥ from. */
  from?: Date;
  /** `createdAt` < to. */
  to?: Date;
}

/** Outcome of one HTTP try. Each mark counts the try in `attempts` unless `countsAsAttempt` is false. */
export interface DeliveryOutcome {
  statusCode?: number;
  countsAsAttempt?: boolean;
}

/** `(conversionId, endpointId, status)`: one forward per conversion state and endpoint (DESIGN §5). */
export function deliveryIdempotencyKey(
  delivery: Pick<NewDelivery, 'conversionId' | 'endpointId' | 'status'>,
): string {
  return `${delivery.conversionId.toLowerCase()}:${delivery.endpointId.toLowerCase()}:${delivery.status}`;
}

const NOT_DELIVERED = { state: { $ne: 'delivered' as DeliveryState } };

@Injectable()
export class DeliveryRepository {
  constructor(@InjectModel(Delivery.name) private readonly deliveries: Model<Delivery>) {}

  /** Creates the delivery unless its idempotency key exists; concurrent identical calls create exactly one. */
  async createIfAbsent(input: NewDelivery): Promise<CreateDeliveryResult> {
    const idempotencyKey = deliveryIdempotencyKey(input);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const doc = await this.deliveries.create({
          conversionId: requireObjectId('conversionId', input.conversionId),
          endpointId: requireObjectId('endpointId', input.endpointId),
          sourceId: requireObjectId('sourceId', input.sourceId),
          status: input.status,
          idempotencyKey,
          nextAttemptAt: input.nextAttemptAt ?? new Date(),
        });
        return { created: true, delivery: toDeliveryRecord(doc.toObject()) };
      } catch (error) {
        if (!isDuplicateKeyError(error)) {
          throw error;
        }
      }
      const existing = await this.deliveries.findOne({ idempotencyKey }).lean<Delivery>().exec();
      if (existing) {
        return { created: false, existing: toDeliveryRecord(existing) };
      }
    }
    throw new Error(`delivery ${idempotencyKey} collided on its unique index but could not be read back`);
  }

  async findById(id: string): Promise<DeliveryRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const doc = await this.deliveries.findById(_id).lean<Delivery>().exec();
    return doc ? toDeliveryRecord(doc) : null;
  }

  list(filter: DeliveryFilter = {}, page: PageRequest = {}): Promise<Page<DeliveryRecord>> {
    return paginate(this.deliveries, toQuery(filter), page, toDeliveryRecord);
  }

  countByFilter(filter: DeliveryFilter = {}): Promise<number> {
    return this.deliveries.countDocuments(toQuery(filter)).exec();
  }

  /**
   * Ids matching a filter in ascending id order, `limit` at a time after `afterId`: how a bulk replay walks
   * a large selection in batches without holding a cursor open.
   */
  async listIdsByFilter(
    filter: DeliveryFilter,
    batch: { afterId?: string; limit: number },
  ): Promise<string[]> {
    const after = batch.afterId === undefined ? undefined : filterObjectId(batch.afterId);
    const query: QueryFilter<Delivery> = after
      ? { $and: [toQuery(filter), { _id: { $gt: after } }] }
      : toQuery(filter);
    const docs = await this.deliveries
      .find(query, { _id: 1 })
      .sort({ _id: 1 })
      .limit(Math.max(1, Math.trunc(batch.limit)))
      .lean<{ _id: Types.ObjectId }[]>()
      .exec();
    return docs.map((doc) => doc._id.toHexString());
  }

  /** Every delivery of one conversion, oldest first. */
  async listByConversion(conversionId: string): Promise<DeliveryRecord[]> {
    const docs = await this.deliveries
      .find({ conversionId: filterObjectId(conversionId) })
      .sort({ _id: 1 })
      .lean<Delivery[]>()
      .exec();
    return docs.map(toDeliveryRecord);
  }

  /** The conversion statuses already delivered to an endpoint (for `fireOnce`). */
  async listDeliveredStatuses(conversionId: string, endpointId: string): Promise<ConversionStatus[]> {
    const docs = await this.deliveries
      .find(
        {
          conversionId: filterObjectId(conversionId),
          endpointId: filterObjectId(endpointId),
          state: 'delivered',
        },
        { status: 1 },
      )
      .lean<Pick<Delivery, 'status'>[]>()
      .exec();
    return [...new Set(docs.map((doc) => doc.status))];
  }

  /** @returns the updated delivery, or null when it does not exist. */
  markDelivered(id: string, outcome: DeliveryOutcome & { at?: Date } = {}): Promise<DeliveryRecord | null> {
    const update = outcomeUpdate(outcome, { state: 'delivered', deliveredAt: outcome.at ?? new Date() });
    return this.mark(id, {}, { ...update, $unset: { ...update.$unset, nextAttemptAt: 1, lastError: 1 } });
  }

  /**
   * A retryable failure: the next try is due at `nextAttemptAt`. Never overwrites a delivery another
   * worker has already delivered.
   * @returns the updated delivery, or null when it does not exist or is already delivered.
   */
  markFailed(
    id: string,
    failure: DeliveryOutcome & { nextAttemptAt: Date; lastError: string },
  ): Promise<DeliveryRecord | null> {
    const fields: Partial<Delivery> = {
      state: 'failed',
      nextAttemptAt: failure.nextAttemptAt,
      lastError: failure.lastError,
    };
    return this.mark(id, NOT_DELIVERED, outcomeUpdate(failure, fields));
  }

  /**
   * A permanent failure (or retries exhausted): no more automatic tries. Never overwrites a delivered one.
   * @returns the updated delivery, or null when it does not exist or is already delivered.
   */
  markDead(id: string, failure: DeliveryOutcome & { lastError: string }): Promise<DeliveryRecord | null> {
    const update = outcomeUpdate(failure, { state: 'dead', lastError: failure.lastError });
    return this.mark(id, NOT_DELIVERED, { ...update, $unset: { ...update.$unset, nextAttemptAt: 1 } });
  }

  /**
   * Back to `pending`, due now (an admin replay). Attempts keep counting; the last error stays visible
   * until the next try replaces it.
   * @returns the updated delivery, or null when it does not exist.
   */
  resetForReplay(id: string, now: Date = new Date()): Promise<DeliveryRecord | null> {
    return this.mark(id, {}, { $set: { state: 'pending', nextAttemptAt: now } });
  }

  /**
   * Claims `pending`/`failed` deliveries overdue past the grace period, for the sweeper to re-enqueue.
   * @returns the claimed delivery ids, oldest deadline first.
   */
  claimDueForSweep(now: Date, limit: number, options: SweepClaimOptions = {}): Promise<string[]> {
    return claimDue(this.deliveries, { state: { $in: ['pending', 'failed'] } }, now, limit, options);
  }

  private async mark(
    id: string,
    condition: QueryFilter<Delivery>,
    update: Record<string, unknown>,
  ): Promise<DeliveryRecord | null> {
    const _id = parseObjectId(id);
    if (!_id) {
      return null;
    }
    const doc = await this.deliveries
      .findOneAndUpdate({ ...condition, _id }, withoutEmptyOperators(update), {
        returnDocument: 'after',
        runValidators: true,
      })
      .lean<Delivery>()
      .exec();
    return doc ? toDeliveryRecord(doc) : null;
  }
}

function withoutEmptyOperators(update: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(update).filter(([, operand]) => Object.keys(operand as object).length > 0),
  );
}

/** The fields of an outcome, plus the status code of this try (a try without a response clears the old one). */
function outcomeUpdate(
  outcome: DeliveryOutcome,
  fields: Partial<Delivery>,
): { $set: Partial<Delivery>; $unset: Record<string, 1>; $inc: { attempts: number } } {
  const hasStatus = outcome.statusCode !== undefined;
  return {
    $set: hasStatus ? { ...fields, lastStatusCode: outcome.statusCode } : fields,
    $unset: hasStatus ? {} : { lastStatusCode: 1 },
    $inc: { attempts: outcome.countsAsAttempt === false ? 0 : 1 },
  };
}

function toQuery(filter: DeliveryFilter): QueryFilter<Delivery> {
  return compact({
    state: filter.state === undefined ? undefined : oneOrMany(filter.state),
    endpointId: filter.endpointId === undefined ? undefined : filterObjectId(filter.endpointId),
    sourceId: filter.sourceId === undefined ? undefined : filterObjectId(filter.sourceId),
    conversionId: filter.conversionId === undefined ? undefined : filterObjectId(filter.conversionId),
    createdAt: timeRange(filter.from, filter.to),
  });
}

function toDeliveryRecord(doc: Delivery): DeliveryRecord {
  return {
    id: doc._id.toHexString(),
    conversionId: doc.conversionId.toHexString(),
    endpointId: doc.endpointId.toHexString(),
    sourceId: doc.sourceId.toHexString(),
    status: doc.status,
    idempotencyKey: doc.idempotencyKey,
    state: doc.state,
    attempts: doc.attempts,
    ...(doc.nextAttemptAt ? { nextAttemptAt: doc.nextAttemptAt } : {}),
    ...(doc.lastError !== undefined ? { lastError: doc.lastError } : {}),
    ...(doc.lastStatusCode !== undefined ? { lastStatusCode: doc.lastStatusCode } : {}),
    ...(doc.deliveredAt ? { deliveredAt: doc.deliveredAt } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
