import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import {
  breakerSignal,
  classifyNetworkError,
  classifyResponse,
  type DeliveryOutcome,
  nextRetryDelayMs,
} from '@ricochet/domain/delivery';
import type { AttemptTrigger } from '@ricochet/domain/model';
import { redactUrl } from '@ricochet/domain/network';
import { buildMacroValues } from '@ricochet/domain/templates';
import {
  ClickRepository,
  type ConversionRecord,
  ConversionRepository,
  DeliveryAttemptRepository,
  type DeliveryRecord,
  DeliveryRepository,
  type EndpointRecord,
  PostbackRepository,
  type PostbackRecord,
  SourceRepository,
} from '@ricochet/persistence';
import { DeliveryProducer } from '@ricochet/queue';
import { type BuiltRequest, DeliveryRequestBuilder } from './delivery-request.builder';
import { DeliveryMetrics } from './delivery.metrics';
import { EndpointThrottle } from './endpoint-throttle.service';
import { HttpSender, type SendResult } from './http-sender';

/** What the processor does with the job: nothing more, or put it back until `untilMs` (no attempt used). */
export type DeliverResult = { kind: 'done' } | { kind: 'delay'; untilMs: number; reason: string };

const DONE: DeliverResult = { kind: 'done' };

interface Prepared {
  delivery: DeliveryRecord;
  endpoint: EndpointRecord;
  request: BuiltRequest;
}

/**
 * One delivery job (DESIGN §5, docs/architecture.md step 4): load → render → rate limit and circuit
 * breaker → send → record the attempt → delivered | retry scheduled | dead. Infrastructure faults
 * (MongoDB, Redis) are thrown, never turned into a dead delivery: the processor retries the job.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly deliveries: DeliveryRepository,
    private readonly attempts: DeliveryAttemptRepository,
    private readonly sources: SourceRepository,
    private readonly conversions: ConversionRepository,
    private readonly clicks: ClickRepository,
    private readonly postbacks: PostbackRepository,
    private readonly producer: DeliveryProducer,
    private readonly builder: DeliveryRequestBuilder,
    private readonly throttle: EndpointThrottle,
    private readonly sender: HttpSender,
    private readonly metrics: DeliveryMetrics,
  ) {}

  async deliver(deliveryId: string, trigger: AttemptTrigger): Promise<DeliverResult> {
    const prepared = await this.prepare(deliveryId, trigger);
    if (!prepared) return DONE;
    const { delivery, endpoint, request } = prepared;

    if (endpoint.maxRps) {
      const token = await this.throttle.takeToken(endpoint.id, endpoint.maxRps);
      if (!token.allowed) {
        this.metrics.count('rate_limited');
        return { kind: 'delay', untilMs: Date.now() + token.waitMs, reason: 'rate limited' };
      }
    }
    const gate = await this.throttle.acquire(endpoint.id);
    if (!gate.allowed) {
      this.metrics.count('breaker_open');
      return { kind: 'delay', untilMs: gate.retryAtMs, reason: 'circuit open' };
    }

    const attemptNo = delivery.attempts + 1;
    const result = await this.sender.send(request);
    const outcome = classify(result, request);
    const errorClass = errorClassOf(outcome);
    const statusCode = result.kind === 'response' ? result.status : undefined;
    const lastError = describe(result, errorClass);
    const url = redactUrl(request.url);
    await this.attempts.recordAttempt({
      deliveryId: delivery.id,
      attemptNo,
      trigger,
      url,
      method: request.method,
      statusCode,
      durationMs: result.durationMs,
      startedAt: result.startedAt,
      responseSnippet: result.kind === 'response' ? result.body : '',
      errorClass,
      errorMessage: lastError,
    });
    const signal = breakerSignal(outcome);
    if (signal) await this.throttle.record(endpoint.id, signal);

    const settled = await this.settle(delivery, endpoint, outcome, { attemptNo, statusCode, lastError });
    this.metrics.count(settled, errorClass ?? '');
    this.metrics.observeAttempt(settled, result.durationMs);
    const log = { deliveryId: delivery.id, endpointId: endpoint.id, attemptNo, url, statusCode, errorClass };
    if (settled === 'dead' || settled === 'gone') this.logger.warn({ msg: 'delivery dead', ...log });
    else this.logger.debug({ msg: `delivery ${settled}`, ...log });
    return DONE;
  }

  /** Loads and renders everything the attempt needs; null when there is nothing (more) to send. */
  private async prepare(deliveryId: string, trigger: AttemptTrigger): Promise<Prepared | null> {
    const delivery = await this.deliveries.findById(deliveryId);
    if (!delivery || delivery.state === 'delivered' || (delivery.state === 'dead' && trigger !== 'manual')) {
      this.metrics.count('skipped');
      return null;
    }
    const found = await this.sources.findEndpoint(delivery.endpointId);
    if (!found || !found.endpoint.enabled) {
      await this.kill(delivery, 'endpoint disabled');
      return null;
    }
    const conversion = await this.conversions.findById(delivery.conversionId);
    if (!conversion) {
      await this.kill(delivery, 'conversion not found');
      return null;
    }
    const click = await this.clicks.findByClickId(conversion.clickId);
    const postback = await this.findPostback(conversion, delivery);
    const now = new Date();
    const values = buildMacroValues({
      status: delivery.status,
      conversion,
      click,
      postbackParams: postback?.params,
      now,
    });
    try {
      const request = this.builder.build(found.endpoint, values, delivery.id, now);
      return { delivery, endpoint: found.endpoint, request };
    } catch (error) {
      // A stored template or successBodyMatch that does not compile: no retry can fix it.
      await this.kill(delivery, `invalid endpoint configuration: ${messageOf(error)}`);
      return null;
    }
  }

  /** Dead without an HTTP try (nothing to send to): no attempt is counted. */
  private async kill(delivery: DeliveryRecord, lastError: string): Promise<void> {
    await this.deliveries.markDead(delivery.id, { lastError, countsAsAttempt: false });
    this.metrics.count('dead', 'not_sent');
    this.logger.warn({ msg: 'delivery dead without an attempt', deliveryId: delivery.id, lastError });
  }

  /** The postback behind the delivered status (for `{postback.NAME}`): its history entry, else the latest. */
  private async findPostback(
    conversion: ConversionRecord,
    delivery: DeliveryRecord,
  ): Promise<PostbackRecord | null> {
    const withPostback = conversion.history.filter((entry) => entry.postbackId !== undefined);
    const entry =
      withPostback.filter((candidate) => candidate.status === delivery.status).pop() ?? withPostback.pop();
    return entry?.postbackId ? this.postbacks.findById(entry.postbackId) : null;
  }

  private async settle(
    delivery: DeliveryRecord,
    endpoint: EndpointRecord,
    outcome: DeliveryOutcome,
    attempt: { attemptNo: number; statusCode?: number; lastError?: string },
  ): Promise<'delivered' | 'retry' | 'dead' | 'gone'> {
    const { statusCode, attemptNo } = attempt;
    const lastError = attempt.lastError ?? 'failed';
    switch (outcome.kind) {
      case 'delivered':
        await this.deliveries.markDelivered(delivery.id, { statusCode });
        return 'delivered';
      case 'gone':
        await this.deliveries.markDead(delivery.id, { statusCode, lastError });
        await this.sources.disableEndpoint(endpoint.id, 'HTTP 410 Gone');
        return 'gone';
      case 'permanent':
        await this.deliveries.markDead(delivery.id, { statusCode, lastError });
        return 'dead';
      case 'retry': {
        const delayMs = nextRetryDelayMs({
          attemptsMade: attemptNo,
          schedule: endpoint.retryScheduleMs ?? this.config.forwarding.retryScheduleMs,
          retryAfterMs: outcome.retryAfterMs,
        });
        if (delayMs === null) {
          await this.deliveries.markDead(delivery.id, {
            statusCode,
            lastError: `${lastError} (retries exhausted)`,
          });
          return 'dead';
        }
        const nextAttemptAt = new Date(Date.now() + delayMs);
        const marked = await this.deliveries.markFailed(delivery.id, {
          statusCode,
          nextAttemptAt,
          lastError,
        });
        // Null: another worker delivered it meanwhile; nothing to schedule.
        if (marked) await this.producer.enqueue(delivery.id, attemptNo + 1, 'retry', delayMs);
        return 'retry';
      }
    }
  }
}

function classify(result: SendResult, request: BuiltRequest): DeliveryOutcome {
  if (result.kind === 'error') return classifyNetworkError(result.error);
  return classifyResponse({
    status: result.status,
    headers: result.headers,
    body: result.body,
    successBodyMatch: request.successBodyMatch,
  });
}

function errorClassOf(outcome: DeliveryOutcome): string | undefined {
  switch (outcome.kind) {
    case 'delivered':
      return undefined;
    case 'gone':
      return 'gone';
    default:
      return outcome.errorClass;
  }
}

function describe(result: SendResult, errorClass: string | undefined): string | undefined {
  if (errorClass === undefined) return undefined;
  if (result.kind === 'response') return `HTTP ${result.status} (${errorClass})`;
  return `${errorClass}: ${messageOf(result.error)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
