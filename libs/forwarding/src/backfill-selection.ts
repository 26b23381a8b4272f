import { Injectable } from '@nestjs/common';
import { endpointFires } from '@ricochet/domain/attribution';
import type { ConversionStatus } from '@ricochet/domain/model';
import {
  type ConversionRecord,
  ConversionRepository,
  DeliveryRepository,
  deliveryIdFor,
  deliveryIdempotencyKey,
  type EndpointRecord,
  MAX_PAGE_LIMIT,
  type NewDelivery,
} from '@ricochet/persistence';

/** Conversions read per batch (one checkpoint each): the repository's largest page. */
export const BACKFILL_BATCH_SIZE = MAX_PAGE_LIMIT;

/** Delivery reads in flight at once while judging one batch. */
const READ_CONCURRENCY = 8;

/** The conversions a backfill walks and the endpoint it forwards them to. */
export interface BackfillScope {
  sourceId: string;
  endpoint: EndpointRecord;
  /** `createdAt` ≥ from. */
  from: Date;
  /** `createdAt` < until. */
  until: Date;
  /** Current conversion statuses walked. */
  statuses: readonly ConversionStatus[];
}

/** One batch of the walk. */
export interface BackfillBatch {
  /** The conversions of the batch that the endpoint fires for, in their current status. */
  matching: ConversionRecord[];
  /** The last conversion id read: where the next batch starts. Absent when the batch was empty. */
  lastId?: string;
  /** Whether another batch may follow. */
  more: boolean;
}

/**
 * Whether the live pipeline would forward this conversion's current status to the endpoint, judged as
 * the delivery planner judges it: the domain's {@link endpointFires} on the conversion's event and
 * status, with what the endpoint already received for the conversion's *other* statuses (its own
 * status may be there already: that is the delivery a backfill skips). The endpoint is judged as if
 * enabled; whether a disabled one may be backfilled is the caller's decision.
 */
export function backfillFires(
  endpoint: EndpointRecord,
  conversion: Pick<ConversionRecord, 'event' | 'status' | 'history'>,
  forwardedStatuses: readonly ConversionStatus[],
): boolean {
  return endpointFires(
    { ...endpoint, enabled: true },
    {
      event: conversion.event,
      status: conversion.status,
      reversal: isReversal(conversion),
      forwardedStatuses: forwardedStatuses.filter((status) => status !== conversion.status),
    },
  );
}

/**
 * A rejected conversion that was approved before was reversed (approved → rejected is the only way
 * from approved, and rejected is final), which a `rejected` listener hears even with `fireOnce`.
 */
export function isReversal(conversion: Pick<ConversionRecord, 'status' | 'history'>): boolean {
  return conversion.status === 'rejected' && conversion.history.some((entry) => entry.status === 'approved');
}

/**
 * The delivery the planner creates for this conversion's current status and the endpoint: same
 * idempotency key, same id (the key's hash and the time the conversion entered the status), so a
 * backfill never duplicates what the live pipeline or an earlier backfill created.
 */
export function backfillDelivery(
  conversion: Pick<ConversionRecord, 'id' | 'sourceId' | 'status' | 'history' | 'createdAt'>,
  endpointId: string,
): NewDelivery & { id: string } {
  const { status } = conversion;
  return {
    id: deliveryIdFor(
      deliveryIdempotencyKey({ conversionId: conversion.id, endpointId, status }),
      stateEnteredAt(conversion, status),
    ),
    conversionId: conversion.id,
    endpointId,
    sourceId: conversion.sourceId,
    status,
  };
}

/** When the conversion entered this status (its latest history entry for it). */
function stateEnteredAt(
  conversion: Pick<ConversionRecord, 'history' | 'createdAt'>,
  status: ConversionStatus,
): Date {
  const entry = conversion.history.filter((candidate) => candidate.status === status).pop();
  return entry?.at ?? conversion.createdAt;
}

/**
 * Walks the conversions of a backfill's scope, newest first (descending id, the repository's order),
 * in batches that resume after a given id, and keeps those the endpoint fires for. Shared by the
 * gateway (the count a backfill answers with) and the worker (the run itself).
 */
@Injectable()
export class BackfillSelection {
  constructor(
    private readonly conversions: ConversionRepository,
    private readonly deliveries: DeliveryRepository,
  ) {}

  /** One batch after `afterId` (exclusive; omitted: from the newest). */
  async batch(scope: BackfillScope, afterId?: string): Promise<BackfillBatch> {
    const page = await this.conversions.list(
      {
        sourceId: scope.sourceId,
        status: [...scope.statuses],
        from: scope.from,
        to: scope.until,
      },
      // From the primary: the run forwards what it reads, so a lagging secondary must not choose.
      {
        ...(afterId !== undefined ? { cursor: afterId } : {}),
        limit: BACKFILL_BATCH_SIZE,
        fromPrimary: true,
      },
    );
    const fires = await mapLimited(page.items, READ_CONCURRENCY, (conversion) =>
      this.fires(scope.endpoint, conversion),
    );
    const last = page.items[page.items.length - 1];
    return {
      matching: page.items.filter((_, index) => fires[index]),
      ...(last ? { lastId: last.id } : {}),
      more: page.nextCursor !== undefined,
    };
  }

  /** How many conversions of the scope the endpoint fires for. */
  async count(scope: BackfillScope): Promise<number> {
    let matched = 0;
    let afterId: string | undefined;
    for (;;) {
      const batch = await this.batch(scope, afterId);
      matched += batch.matching.length;
      if (!batch.more || batch.lastId === undefined) return matched;
      afterId = batch.lastId;
    }
  }

  private async fires(endpoint: EndpointRecord, conversion: ConversionRecord): Promise<boolean> {
    // Deliveries exist only for statuses the conversion has had: one that never changed status has
    // none for another one, and needs no read.
    const changed = conversion.history.some((entry) => entry.status !== conversion.status);
    const forwarded = changed
      ? (await this.deliveries.listByConversion(conversion.id))
          .filter((delivery) => delivery.endpointId === endpoint.id)
          .map((delivery) => delivery.status)
      : [];
    return backfillFires(endpoint, conversion, forwarded);
  }
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index]);
    }
  });
  await Promise.all(lanes);
  return results;
}
