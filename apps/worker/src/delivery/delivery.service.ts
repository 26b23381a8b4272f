import { Injectable, Logger } from '@nestjs/common';
import type { AttemptTrigger } from '@ricochet/domain/model';
import {
  ConversionRepository,
  type DeliveryRecord,
  DeliveryRepository,
  Lookups,
  SourceRepository,
} from '@ricochet/persistence';
import type { DeliveryLane } from '@ricochet/queue';
import { AlertNotifier } from '../alerts/alert-notifier';
import { type AttemptSettlement, DeliveryAttemptRunner } from './delivery-attempt.runner';
import { DeliveryContextLoader } from '@ricochet/forwarding';
import { DeliveryMetrics } from './delivery.metrics';

/**
 * What the processor does with the job: nothing more; put it back until `untilMs` (no attempt used, or
 * the next retry in the retry lane); or hand the delivery to the retry lane (a first attempt failed).
 */
export type DeliverResult =
  { kind: 'done' } | { kind: 'delay'; untilMs: number } | { kind: 'to-retry-lane'; delayMs: number };

const DONE: DeliverResult = { kind: 'done' };

/** A job that finds its delivery due within this margin runs now instead of delaying itself. */
const DUE_MARGIN_MS = 1_000;

/**
 * A delivery job on the `delivery` or `delivery-retry` queue: first attempts that had to wait, retries
 * and replays. Reads the delivery and its context from MongoDB, makes one attempt
 * ({@link DeliveryAttemptRunner}) and writes the delivery's new state. MongoDB is the schedule: a job
 * that runs before its delivery's `nextAttemptAt` (a replay moved it, a job from an older schedule)
 * delays itself to that time. Infrastructure faults (MongoDB, Redis) are thrown, never turned into a
 * dead delivery: the processor retries the job.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly conversions: ConversionRepository,
    private readonly sources: SourceRepository,
    private readonly lookups: Lookups,
    private readonly context: DeliveryContextLoader,
    private readonly runner: DeliveryAttemptRunner,
    private readonly metrics: DeliveryMetrics,
    private readonly alerts: AlertNotifier,
  ) {}

  async deliver(deliveryId: string, trigger: AttemptTrigger, lane: DeliveryLane): Promise<DeliverResult> {
    const delivery = await this.deliveries.findById(deliveryId);
    if (!delivery || delivery.state === 'delivered' || (delivery.state === 'dead' && trigger !== 'manual')) {
      this.metrics.count('skipped');
      return DONE;
    }
    // A replay runs now; the sweeper claimed it because it was due (the claim moved the deadline ahead).
    const dueAt =
      trigger === 'manual' || trigger === 'sweeper' ? undefined : delivery.nextAttemptAt?.getTime();
    if (dueAt !== undefined && dueAt > Date.now() + DUE_MARGIN_MS) {
      return { kind: 'delay', untilMs: dueAt };
    }
    const source = await this.lookups.source(delivery.sourceId);
    const endpoint = source?.endpoints.find((candidate) => candidate.id === delivery.endpointId);
    if (!endpoint || !endpoint.enabled) {
      await this.kill(delivery, endpoint ? 'endpoint disabled' : 'endpoint not found');
      return DONE;
    }
    const conversion = await this.conversions.findById(delivery.conversionId);
    if (!conversion) {
      await this.kill(delivery, 'conversion not found');
      return DONE;
    }
    const values = await this.context.valuesFor(conversion, delivery.status);
    const result = await this.runner.attempt({
      deliveryId: delivery.id,
      endpoint,
      values,
      attemptNo: delivery.attempts + 1,
      trigger,
    });
    switch (result.kind) {
      case 'held':
        // Shown to admins as the real next attempt; no attempt is used.
        await this.deliveries.deferTo(delivery.id, new Date(result.untilMs));
        return { kind: 'delay', untilMs: result.untilMs };
      case 'unsendable':
        await this.kill(delivery, result.lastError);
        return DONE;
      case 'sent':
        return this.apply(delivery, endpoint.id, result.settlement, lane);
    }
  }

  private async apply(
    delivery: DeliveryRecord,
    endpointId: string,
    settlement: AttemptSettlement,
    lane: DeliveryLane,
  ): Promise<DeliverResult> {
    const { statusCode } = settlement;
    switch (settlement.state) {
      case 'delivered':
        await this.deliveries.markDelivered(delivery.id, { statusCode });
        return DONE;
      case 'dead':
        await this.deliveries.markDead(delivery.id, { statusCode, lastError: settlement.lastError });
        if (settlement.gone) await this.disable(endpointId, delivery.sourceId);
        return DONE;
      case 'failed': {
        const marked = await this.deliveries.markFailed(delivery.id, {
          statusCode,
          nextAttemptAt: settlement.nextAttemptAt,
          lastError: settlement.lastError,
        });
        // Null: another worker delivered it meanwhile; nothing to schedule.
        if (!marked) return DONE;
        return lane === 'retry'
          ? { kind: 'delay', untilMs: settlement.nextAttemptAt.getTime() }
          : { kind: 'to-retry-lane', delayMs: settlement.delayMs };
      }
    }
  }

  /** A 410 Gone: the endpoint is switched off, and every process forgets its cached copy. */
  async disable(endpointId: string, sourceId: string): Promise<void> {
    await this.sources.disableEndpoint(endpointId, 'HTTP 410 Gone');
    this.lookups.invalidateSource(sourceId);
    this.alerts.notify({
      kind: 'endpoint.disabled',
      subject: endpointId,
      summary: `endpoint ${endpointId} of source ${sourceId} answered 410 Gone and was disabled; its conversions are recorded as dead until it is enabled again`,
      details: { endpointId, sourceId, reason: 'HTTP 410 Gone' },
    });
  }

  /** Dead without an HTTP try (nothing to send to): no attempt is counted. */
  private async kill(delivery: DeliveryRecord, lastError: string): Promise<void> {
    await this.deliveries.markDead(delivery.id, { lastError, countsAsAttempt: false });
    this.metrics.count('dead', 'not_sent');
    this.logger.warn({ msg: 'delivery dead without an attempt', deliveryId: delivery.id, lastError });
  }
}
