import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DeliveryAttemptRepository, DeliveryRepository, SourceRepository } from '@ricochet/persistence';
import { DeliveryProducer } from '@ricochet/queue';
import { type PageResponse, toPageResponse } from '../common/page.dto';
import type { DeliveryListQuery } from './dto/delivery-list-query.dto';
import type { DeliveryReplayResponse } from './dto/delivery-replay-response.dto';
import { toDeliveryDetailResponse, toDeliveryResponse } from './delivery.mapper';
import type { DeliveryDetailResponse, DeliveryResponse } from './dto/delivery-response.dto';

/** Admin reads of deliveries with their attempt log, and the replay of one delivery. */
@Injectable()
export class DeliveriesAdminService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly attempts: DeliveryAttemptRepository,
    private readonly producer: DeliveryProducer,
    private readonly sources: SourceRepository,
  ) {}

  async list(query: DeliveryListQuery): Promise<PageResponse<DeliveryResponse>> {
    const { limit, cursor, ...filter } = query;
    return toPageResponse(await this.deliveries.list(filter, { limit, cursor }), toDeliveryResponse);
  }

  async get(id: string): Promise<DeliveryDetailResponse> {
    const delivery = await this.deliveries.findById(id);
    if (!delivery) throw notFound(id);
    return toDeliveryDetailResponse(delivery, await this.attempts.listByDelivery(delivery.id));
  }

  /**
   * Any state may be replayed, a delivered one too (an operator resending on purpose): the receiver
   * de-duplicates on the `Idempotency-Key` header, which stays the delivery id.
   */
  async replay(id: string): Promise<DeliveryReplayResponse> {
    const found = await this.deliveries.findById(id);
    if (!found) throw notFound(id);
    // Refused up front: queued, it would only go dead again without an attempt.
    const source = await this.sources.findById(found.sourceId);
    const endpoint = source?.endpoints.find((candidate) => candidate.id === found.endpointId);
    if (!endpoint || !endpoint.enabled) {
      const why = endpoint?.disabledReason ? ` (${endpoint.disabledReason})` : '';
      throw new ConflictException({
        code: endpoint ? 'ENDPOINT_DISABLED' : 'ENDPOINT_NOT_FOUND',
        message: endpoint
          ? `endpoint "${found.endpointId}" of source "${found.sourceId}" is disabled${why}; enable it first (POST /api/sources/${found.sourceId}/endpoints/${found.endpointId}/enable)`
          : `endpoint "${found.endpointId}" no longer exists on source "${found.sourceId}"`,
      });
    }
    const delivery = await this.deliveries.resetForReplay(id);
    if (!delivery) throw notFound(id);
    await this.producer.enqueue(delivery.id, 'manual');
    return { deliveryId: delivery.id, state: 'pending' };
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException({ code: 'NOT_FOUND', message: `delivery "${id}" not found` });
}
