import { Injectable, NotFoundException } from '@nestjs/common';
import {
  ClickRepository,
  ConversionRepository,
  DeliveryAttemptRepository,
  DeliveryRepository,
  type PostbackRecord,
  PostbackRepository,
} from '@ricochet/persistence';
import { toTraceEntries } from './click-trace.mapper';
import { toClickDetailResponse } from './click.mapper';
import type { ClickDetailResponse } from './dto/click-detail-response.dto';
import type { ClickTraceResponse } from './dto/click-trace-response.dto';

/** Most postbacks one trace shows: a click with more is being abused, and the first ones tell the story. */
const MAX_TRACE_POSTBACKS = 1000;

/** Admin reads of one click and of everything that happened because of it. */
@Injectable()
export class ClicksReadService {
  constructor(
    private readonly clicks: ClickRepository,
    private readonly postbacks: PostbackRepository,
    private readonly conversions: ConversionRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly attempts: DeliveryAttemptRepository,
  ) {}

  async get(clickId: string): Promise<ClickDetailResponse> {
    const click = await this.clicks.findByClickId(clickId);
    if (!click) throw notFound(clickId);
    return toClickDetailResponse(click);
  }

  /**
   * The whole story of a click. A click id we never recorded still has a trace when postbacks named it
   * (parked or unattributed ones): that is exactly when an operator needs to look.
   */
  async trace(clickId: string): Promise<ClickTraceResponse> {
    const [click, postbacks, conversions] = await Promise.all([
      this.clicks.findByClickId(clickId),
      this.postbacksOf(clickId),
      this.conversions.listByClickId(clickId),
    ]);
    if (!click && postbacks.length === 0 && conversions.length === 0) throw notFound(clickId);
    const deliveries = (
      await Promise.all(conversions.map((conversion) => this.deliveries.listByConversion(conversion.id)))
    ).flat();
    const attempts = (
      await Promise.all(deliveries.map((delivery) => this.attempts.listByDelivery(delivery.id)))
    ).flat();
    return { clickId, entries: toTraceEntries({ click, postbacks, conversions, deliveries, attempts }) };
  }

  private async postbacksOf(clickId: string): Promise<PostbackRecord[]> {
    const found: PostbackRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.postbacks.list({ clickId }, { cursor, limit: 200 });
      found.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined && found.length < MAX_TRACE_POSTBACKS);
    return found;
  }
}

function notFound(clickId: string): NotFoundException {
  return new NotFoundException({ code: 'NOT_FOUND', message: `click "${clickId}" not found` });
}
