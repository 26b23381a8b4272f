import { PipelineMetrics } from '@ricochet/observability';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { decideTransition } from '@ricochet/domain/attribution';
import { ConversionRepository } from '@ricochet/persistence';
import { AttributionProducer } from '@ricochet/queue';
import { type PageResponse, toPageResponse } from '../common/page.dto';
import type { ConversionListQuery } from './dto/conversion-list-query.dto';
import { toConversionResponse } from './conversion.mapper';
import type { ConversionResponse } from './dto/conversion-response.dto';
import type { ConversionStatusBody } from './dto/conversion-status.dto';

/** Admin reads of conversions and manual status changes, forwarded per the sources' rules. */
@Injectable()
export class ConversionsAdminService {
  constructor(
    private readonly conversions: ConversionRepository,
    private readonly attribution: AttributionProducer,
    private readonly metrics: PipelineMetrics,
  ) {}

  async list(query: ConversionListQuery): Promise<PageResponse<ConversionResponse>> {
    const { limit, cursor, ...filter } = query;
    return toPageResponse(await this.conversions.list(filter, { limit, cursor }), toConversionResponse);
  }

  async get(id: string): Promise<ConversionResponse> {
    return toConversionResponse(await this.find(id));
  }

  /**
   * The same status machine as postbacks (`decideTransition`), applied compare-and-set so a postback
   * landing at the same moment cannot be overwritten; then the worker plans the deliveries (job `plan`).
   * Setting the current status again changes nothing and forwards nothing.
   */
  async changeStatus(id: string, body: ConversionStatusBody): Promise<ConversionResponse> {
    const current = await this.find(id);
    const decision = decideTransition(current.status, body.status);
    if (decision.kind === 'duplicate' || decision.kind === 'create') return toConversionResponse(current);
    if (decision.kind === 'invalid') {
      throw new ConflictException({
        code: 'INVALID_TRANSITION',
        message: `conversion status cannot change from "${decision.from}" to "${decision.to}"`,
        param: 'status',
      });
    }
    // The status and the "plan due" marker are one write: if the plan job below is lost, the sweeper
    // finds the marker and plans the forwards anyway.
    const updated = await this.conversions.transitionStatus(
      id,
      decision.from,
      decision.to,
      { by: 'admin', ...(body.note !== undefined ? { note: body.note } : {}) },
      {},
      { planDue: { reversal: decision.reversal } },
    );
    if (!updated) {
      throw new ConflictException({
        code: 'STATUS_CHANGED',
        message: `conversion "${id}" changed status while this request was made; read it again and retry`,
      });
    }
    this.metrics.conversionStatus(decision.to, 'admin');
    await this.attribution.plan(updated.id).catch(() => undefined);
    return toConversionResponse(updated);
  }

  private async find(id: string) {
    const record = await this.conversions.findById(id);
    if (!record) {
      throw new NotFoundException({ code: 'NOT_FOUND', message: `conversion "${id}" not found` });
    }
    return record;
  }
}
