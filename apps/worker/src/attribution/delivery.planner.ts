import { Injectable, Logger } from '@nestjs/common';
import { endpointFires } from '@ricochet/domain/attribution';
import type { ConversionStatus } from '@ricochet/domain/model';
import type { MacroValues } from '@ricochet/domain/templates';
import {
  type ConversionRecord,
  type DeliveryRecord,
  DeliveryRepository,
  deliveryIdFor,
  deliveryIdempotencyKey,
  type EndpointRecord,
  Lookups,
  type NewDelivery,
  type SourceRecord,
} from '@ricochet/persistence';
import { DeliveryProducer } from '@ricochet/queue';
import { DeliveryAttemptRunner } from '../delivery/delivery-attempt.runner';
import { DeliveryContextLoader, type KnownContext } from '@ricochet/forwarding';
import { DeliveryService } from '../delivery/delivery.service';
import { InlineDeliveryPolicy } from './inline-delivery.policy';

/** One conversion state to plan. */
export interface PlanInput extends KnownContext {
  conversion: ConversionRecord;
  status: ConversionStatus;
  reversal: boolean;
  /** The conversion was created by this very job: it has no deliveries yet (saves a read). */
  created: boolean;
}

/**
 * Turns one conversion state into deliveries: one per endpoint of the click's source that the
 * state fires, and makes each one's first attempt right here (the common case: one BullMQ job per
 * conversion). The request is sent before the delivery is written; the delivery's id is derived from
 * its idempotency key, so a re-run after a crash sends the same `Idempotency-Key` and cannot create a
 * second delivery. A first attempt that has to wait (circuit open, rate limit, a slow endpoint) is
 * written as `pending` and queued on `delivery` instead.
 */
@Injectable()
export class DeliveryPlanner {
  private readonly logger = new Logger(DeliveryPlanner.name);

  constructor(
    private readonly lookups: Lookups,
    private readonly deliveries: DeliveryRepository,
    private readonly producer: DeliveryProducer,
    private readonly runner: DeliveryAttemptRunner,
    private readonly context: DeliveryContextLoader,
    private readonly deliveryService: DeliveryService,
    private readonly inline: InlineDeliveryPolicy,
  ) {}

  /** @returns the ids of the deliveries this state calls for (new or already there). */
  async plan(input: PlanInput): Promise<string[]> {
    const { conversion, status, reversal } = input;
    const source = await this.lookups.source(conversion.sourceId);
    if (source === null) return [];
    const existing = input.created ? [] : await this.deliveries.listByConversion(conversion.id);
    const planned: string[] = [];
    const fresh: EndpointRecord[] = [];
    for (const endpoint of source.endpoints) {
      // What this endpoint already has for other statuses; its own status may exist from a re-run.
      const forwardedStatuses = existing
        .filter((delivery) => delivery.endpointId === endpoint.id && delivery.status !== status)
        .map((delivery) => delivery.status);
      // A disabled endpoint is judged as if enabled: what it would have been sent is recorded as a
      // dead delivery, so re-enabling it and replaying its dead deliveries recovers the gap.
      const fires = endpointFires(
        { ...endpoint, enabled: true },
        { event: conversion.event, status, reversal, forwardedStatuses },
      );
      if (!fires) continue;
      const found = existing.find(
        (delivery) => delivery.endpointId === endpoint.id && delivery.status === status,
      );
      if (found) {
        if (endpoint.enabled) await this.resume(found);
        planned.push(found.id);
      } else if (!endpoint.enabled) {
        planned.push(await this.recordDisabled(conversion, source, endpoint, status));
      } else {
        fresh.push(endpoint);
      }
    }
    if (fresh.length > 0) {
      const values = await this.context.valuesFor(conversion, status, input);
      planned.push(
        ...(await Promise.all(
          fresh.map((endpoint) => this.firstAttempt(conversion, source, endpoint, status, values)),
        )),
      );
    }
    if (planned.length > 0) {
      this.logger.debug({
        msg: 'deliveries planned',
        conversionId: conversion.id,
        status,
        deliveryIds: planned,
      });
    }
    return planned;
  }

  /** A delivery an earlier run created but never tried: make sure it has a job. */
  private async resume(delivery: DeliveryRecord): Promise<void> {
    if (delivery.state === 'pending' && delivery.attempts === 0) {
      await this.producer.enqueue(delivery.id, 'first');
    }
  }

  /** The delivery a disabled endpoint would have got, written `dead` without an attempt. */
  private async recordDisabled(
    conversion: ConversionRecord,
    source: SourceRecord,
    endpoint: EndpointRecord,
    status: ConversionStatus,
  ): Promise<string> {
    const created = await this.deliveries.createIfAbsent(deliveryKey(conversion, source, endpoint, status));
    const id = created.created ? created.delivery.id : created.existing.id;
    const reason = endpoint.disabledReason ? ` (${endpoint.disabledReason})` : '';
    await this.deliveries.markDead(id, { lastError: `endpoint disabled${reason}`, countsAsAttempt: false });
    return id;
  }

  private async firstAttempt(
    conversion: ConversionRecord,
    source: SourceRecord,
    endpoint: EndpointRecord,
    status: ConversionStatus,
    values: MacroValues,
  ): Promise<string> {
    const key = deliveryKey(conversion, source, endpoint, status);
    const deliveryId = key.id;
    if (!this.inline.allowsInline(endpoint.id)) {
      await this.queue(key);
      return deliveryId;
    }
    const result = await this.runner.attempt({
      deliveryId,
      endpoint,
      values,
      attemptNo: 1,
      trigger: 'first',
    });
    switch (result.kind) {
      case 'held':
        await this.queue({ ...key, nextAttemptAt: new Date(result.untilMs) }, result.untilMs - Date.now());
        return deliveryId;
      case 'unsendable': {
        const created = await this.deliveries.createIfAbsent(key);
        const id = created.created ? created.delivery.id : created.existing.id;
        await this.deliveries.markDead(id, { lastError: result.lastError, countsAsAttempt: false });
        return id;
      }
      case 'sent': {
        const { settlement } = result;
        this.inline.observe(endpoint.id, result.durationMs, settlement.state === 'delivered');
        const recorded = await this.deliveries.recordAfterFirstAttempt({ ...key, ...settlement });
        // Not recorded: an earlier run of this job got there first and owns the schedule.
        if (!recorded) return deliveryId;
        if (settlement.state === 'failed') {
          // If this enqueue is lost, the delivery is `failed` and due: the sweeper enqueues it.
          await this.producer.enqueue(deliveryId, 'retry', { lane: 'retry', delayMs: settlement.delayMs });
        } else if (settlement.state === 'dead' && settlement.gone) {
          await this.deliveryService.disable(endpoint.id, source.id);
        }
        return deliveryId;
      }
    }
  }

  /** Writes the delivery as `pending` and leaves its first attempt to the `delivery` queue. */
  private async queue(key: NewDelivery, delayMs = 0): Promise<void> {
    const result = await this.deliveries.createIfAbsent(key);
    const delivery = result.created ? result.delivery : result.existing;
    if (delivery.state === 'pending') {
      await this.producer.enqueue(delivery.id, 'first', { delayMs: Math.max(0, delayMs) });
    }
  }
}

/** The delivery of one conversion state to one endpoint; its id derives from the idempotency key. */
function deliveryKey(
  conversion: ConversionRecord,
  source: SourceRecord,
  endpoint: EndpointRecord,
  status: ConversionStatus,
): NewDelivery & { id: string } {
  return {
    id: deliveryIdFor(
      deliveryIdempotencyKey({ conversionId: conversion.id, endpointId: endpoint.id, status }),
      stateEnteredAt(conversion, status),
    ),
    conversionId: conversion.id,
    endpointId: endpoint.id,
    sourceId: source.id,
    status,
  };
}

/** When the conversion entered this status (its latest history entry for it): part of the delivery id. */
function stateEnteredAt(conversion: ConversionRecord, status: ConversionStatus): Date {
  const entry = conversion.history.filter((candidate) => candidate.status === status).pop();
  return entry?.at ?? conversion.createdAt;
}
