import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ConversionStatus, DeliveryState } from '@ricochet/domain/model';
import { Model, QueryFilter, Types } from 'mongoose';
import { isDuplicateKeyError } from '../persistence.errors';
import { Delivery } from '../schemas/delivery.schema';
import { compact, oneOrMany, timeRange } from './filters';
import { InsertBatcher } from './turn-batchers';
import { filterObjectId, parseObjectId, requireObjectId } from './object-id';
import { Page, PageRequest, paginate } from './pagination';
import { claimDue, SweepClaimOptions } from './sweep';
import { PERSISTENCE_OPTIONS, type ResolvedPersistenceOptions } from '../persistence.options';

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
  /** A caller-chosen id ({@link deliveryIdFor}); default: a new ObjectId. */
  id?: string;
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

/** How a first attempt left a delivery (see {@link DeliveryRepository.recordAfterFirstAttempt}). */
export interface DeliverySettlement {
  state: Exclude<DeliveryState, 'pending'>;
  statusCode?: number;
  nextAttemptAt?: Date;
  lastError?: string;
}

/**
 * A delivery id derived from its idempotency key and the time its conversion entered the forwarded
 * status: an ObjectId whose 4 timestamp bytes are that time (so listings by id stay in time order) and
 * whose other 8 bytes come from the key's SHA-256. Receivers deduplicate on
 * `Idempotency-Key: <deliveryId>`, and the attribution job sends a first attempt before writing its
 * delivery, so a re-run after a crash must compute the same id without reading anything.
 */
export function deliveryIdFor(idempotencyKey: string, stateEnteredAt: Date): string {
  const seconds = Math.max(0, Math.min(0xffffffff, Math.floor(stateEnteredAt.getTime() / 1000)));
  const hash = createHash('sha256').update(idempotencyKey).digest('hex');
  return seconds.toString(16).padStart(8, '0') + hash.slice(0, 16);
}

/** `(conversionId, endpointId, status)`: one forward per conversion state and endpoint. */
export function deliveryIdempotencyKey(
  delivery: Pick<NewDelivery, 'conversionId' | 'endpointId' | 'status'>,
): string {
  return `${delivery.conversionId.toLowerCase()}:${delivery.endpointId.toLowerCase()}:${delivery.status}`;
}

const NOT_DELIVERED = { state: { $ne: 'delivered' as DeliveryState } };

@Injectable()
export class DeliveryRepository {
  private readonly inserts: InsertBatcher;

  constructor(
    @InjectModel(Delivery.name) private readonly deliveries: Model<Delivery>,
    @Inject(PERSISTENCE_OPTIONS) private readonly options: ResolvedPersistenceOptions,
  ) {
    this.inserts = new InsertBatcher(() => this.deliveries.collection);
  }

  /** Creates the delivery unless its idempotency key exists; concurrent identical calls create exactly one. */
  async createIfAbsent(input: NewDelivery): Promise<CreateDeliveryResult> {
    const idempotencyKey = deliveryIdempotencyKey(input);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const doc = await this.deliveries.create({
          _id: input.id === undefined ? new Types.ObjectId() : requireObjectId('id', input.id),
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
    const doc = await this.deliveries.collection.findOne<Delivery>({ _id });
    return doc ? toDeliveryRecord(doc) : null;
  }

  list(filter: DeliveryFilter = {}, page: PageRequest = {}): Promise<Page<DeliveryRecord>> {
    return paginate(this.deliveries, toQuery(filter), page, toDeliveryRecord, {
      readPreference: this.options.adminReadPreference,
    });
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
   * Moves a not-yet-delivered delivery's next attempt (a circuit breaker or rate limit holds it; no
   * attempt is used), so admins see when it will really be tried.
   */
  async deferTo(id: string, nextAttemptAt: Date): Promise<void> {
    await this.deliveries
      .updateOne({ _id: requireObjectId('deliveryId', id), ...NOT_DELIVERED }, { $set: { nextAttemptAt } })
      .exec();
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
   * @returns the claimed deliveries (id and attempts so far), oldest deadline first.
   */
  async claimDueForSweep(
    now: Date,
    limit: number,
    options: SweepClaimOptions = {},
  ): Promise<Array<{ id: string; attempts: number }>> {
    const claimed = await claimDue<Delivery, { attempts?: number }>(
      this.deliveries,
      { state: { $in: ['pending', 'failed'] } },
      now,
      limit,
      options,
      { projection: { attempts: 1 } },
    );
    return claimed.map((doc) => ({ id: doc._id.toHexString(), attempts: doc.attempts ?? 0 }));
  }

  /**
   * Records a delivery whose first attempt was already made (the attribution job sends first, then
   * writes): inserted with the attempt's outcome, batched with concurrent ones. Its id comes from
   * {@link deliveryIdFor}, so a re-run after a crash sends the same `Idempotency-Key` and collides here
   * (on the id or the idempotency key) instead of creating a second delivery.
   * @returns false when the delivery already existed (another run recorded it first).
   */
  async recordAfterFirstAttempt(input: NewDelivery & { id: string } & DeliverySettlement): Promise<boolean> {
    const idempotencyKey = deliveryIdempotencyKey(input);
    const now = new Date();
    const doc = compact({
      _id: requireObjectId('id', input.id),
      conversionId: requireObjectId('conversionId', input.conversionId),
      endpointId: requireObjectId('endpointId', input.endpointId),
      sourceId: requireObjectId('sourceId', input.sourceId),
      status: input.status,
      idempotencyKey,
      state: input.state,
      attempts: 1,
      nextAttemptAt: input.nextAttemptAt,
      lastError: input.lastError,
      lastStatusCode: input.statusCode,
      deliveredAt: input.state === 'delivered' ? now : undefined,
      createdAt: now,
      updatedAt: now,
    });
    const result = await this.inserts.insert(doc);
    if (result.ok) return true;
    if (isDuplicateKeyError(result.error)) return false;
    throw result.error;
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
