import { Injectable, Logger } from '@nestjs/common';
import { endpointFires } from '@ricochet/domain/attribution';
import type { ConversionStatus } from '@ricochet/domain/model';
import { type ConversionRecord, DeliveryRepository, SourceRepository } from '@ricochet/persistence';
import { DeliveryProducer } from '@ricochet/queue';

/**
 * Turns one conversion state into deliveries (DESIGN §5): one per enabled endpoint of the click's
 * source that the state fires. Idempotent: the delivery's unique key (conversion, endpoint, status) and
 * the first attempt's deterministic job id make a re-run create and enqueue nothing new.
 */
@Injectable()
export class DeliveryPlanner {
  private readonly logger = new Logger(DeliveryPlanner.name);

  constructor(
    private readonly sources: SourceRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly producer: DeliveryProducer,
  ) {}

  /** @returns the ids of the deliveries this state calls for (new or already there). */
  async plan(conversion: ConversionRecord, status: ConversionStatus, reversal: boolean): Promise<string[]> {
    const source = await this.sources.findById(conversion.sourceId);
    if (source === null) return [];
    const existing = await this.deliveries.listByConversion(conversion.id);
    const planned: string[] = [];
    for (const endpoint of source.endpoints) {
      // What this endpoint already has for other statuses; its own status may exist from a re-run.
      const forwardedStatuses = existing
        .filter((delivery) => delivery.endpointId === endpoint.id && delivery.status !== status)
        .map((delivery) => delivery.status);
      const fires = endpointFires(endpoint, { event: conversion.event, status, reversal, forwardedStatuses });
      if (!fires) continue;
      const result = await this.deliveries.createIfAbsent({
        conversionId: conversion.id,
        endpointId: endpoint.id,
        sourceId: source.id,
        status,
      });
      const delivery = result.created ? result.delivery : result.existing;
      if (result.created || (delivery.state === 'pending' && delivery.attempts === 0)) {
        await this.producer.enqueue(delivery.id, 1, 'first');
      }
      planned.push(delivery.id);
    }
    if (planned.length > 0) {
      this.logger.log({
        msg: 'deliveries planned',
        conversionId: conversion.id,
        status,
        deliveryIds: planned,
      });
    }
    return planned;
  }
}
