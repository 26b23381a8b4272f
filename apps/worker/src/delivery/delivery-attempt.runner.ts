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
import { createRedactionPolicy, type RedactionPolicy } from '@ricochet/domain/security';
import { isTemplateRenderError, type MacroValues } from '@ricochet/domain/templates';
import { DeliveryAttemptRepository, type EndpointRecord } from '@ricochet/persistence';
import { AlertNotifier } from '../alerts/alert-notifier';
import { type BuiltRequest, DeliveryRequestBuilder, HttpSender, type SendResult } from '@ricochet/forwarding';
import { DeliveryMetrics } from './delivery.metrics';
import { EndpointThrottle } from './endpoint-throttle.service';

/** Everything one attempt needs; nothing is read from MongoDB here. */
export interface AttemptInput {
  deliveryId: string;
  endpoint: EndpointRecord;
  values: MacroValues;
  /** The number of this attempt (the delivery's `attempts` + 1). */
  attemptNo: number;
  trigger: AttemptTrigger;
}

/** How the attempt left the delivery. `retry` carries the next attempt's time; `gone` is a 410. */
export type AttemptSettlement =
  | { state: 'delivered'; statusCode?: number }
  | { state: 'failed'; statusCode?: number; lastError: string; nextAttemptAt: Date; delayMs: number }
  | { state: 'dead'; statusCode?: number; lastError: string; gone: boolean };

export type AttemptResult =
  /** No request was made and no attempt is used: try again at `untilMs`. */
  | { kind: 'held'; untilMs: number; reason: 'rate_limited' | 'breaker_open' }
  /** Nothing can ever be sent (the endpoint's stored template or match does not compile). */
  | { kind: 'unsendable'; lastError: string }
  | { kind: 'sent'; settlement: AttemptSettlement; durationMs: number };

/**
 * One HTTP attempt of one delivery, from rendering to the attempt log: rate limit and circuit breaker
 * (a hold uses no attempt) → render → send → classify → record the attempt → the delivery's next state.
 * Shared by the attribution job (first attempts, made in the same job) and the delivery queues
 * (held first attempts, retries, replays); the callers write the delivery itself.
 */
@Injectable()
export class DeliveryAttemptRunner {
  private readonly logger = new Logger(DeliveryAttemptRunner.name);
  private readonly redaction: RedactionPolicy;

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly attempts: DeliveryAttemptRepository,
    private readonly builder: DeliveryRequestBuilder,
    private readonly throttle: EndpointThrottle,
    private readonly sender: HttpSender,
    private readonly metrics: DeliveryMetrics,
    private readonly alerts: AlertNotifier,
  ) {
    this.redaction = createRedactionPolicy(config.security.redactNames);
  }

  async attempt(input: AttemptInput): Promise<AttemptResult> {
    const { endpoint, deliveryId } = input;
    let request: BuiltRequest;
    try {
      request = this.builder.build(endpoint, input.values, deliveryId, new Date());
    } catch (error) {
      // The endpoint's templates cannot be rendered for this conversion (a value no header can carry,
      // a stored template or match that does not compile): no retry can fix it.
      this.metrics.count('dead', 'template_error');
      const reason = isTemplateRenderError(error)
        ? error.message
        : `invalid endpoint configuration: ${messageOf(error)}`;
      const lastError = `template_error: ${reason}`;
      this.alertDead(input, lastError);
      return { kind: 'unsendable', lastError };
    }
    if (endpoint.maxRps) {
      const token = await this.throttle.takeToken(endpoint.id, endpoint.maxRps);
      if (!token.allowed) {
        this.metrics.count('rate_limited');
        return { kind: 'held', untilMs: Date.now() + token.waitMs, reason: 'rate_limited' };
      }
    }
    const gate = await this.throttle.acquire(endpoint.id);
    if (!gate.allowed) {
      this.metrics.count('breaker_open');
      return { kind: 'held', untilMs: gate.retryAtMs, reason: 'breaker_open' };
    }

    const result = await this.sender.send(request);
    const outcome = classify(result, request);
    const errorClass = errorClassOf(outcome);
    const statusCode = result.kind === 'response' ? result.status : undefined;
    const lastError = describe(result, errorClass);
    const url = this.redaction.redactUrl(request.url);
    await this.attempts.recordAttempt({
      deliveryId,
      attemptNo: input.attemptNo,
      trigger: input.trigger,
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
    if (signal) this.recordInBreaker(endpoint.id, signal, url, lastError);

    const settlement = this.settle(endpoint, outcome, input.attemptNo, statusCode, lastError ?? 'failed');
    const label = settlement.state === 'failed' ? 'retry' : settlement.state;
    const metricOutcome = settlement.state === 'dead' && settlement.gone ? 'gone' : label;
    this.metrics.count(metricOutcome, errorClass ?? '');
    this.metrics.observeAttempt(metricOutcome, result.durationMs);
    const log = {
      deliveryId,
      endpointId: endpoint.id,
      attemptNo: input.attemptNo,
      url,
      statusCode,
      errorClass,
    };
    if (settlement.state === 'dead') {
      this.logger.warn({ msg: 'delivery dead', ...log });
      // A 410 disables the endpoint, which raises its own alert.
      if (!settlement.gone) this.alertDead(input, settlement.lastError, url, statusCode);
    } else this.logger.debug({ msg: `delivery ${label}`, ...log });
    return { kind: 'sent', settlement, durationMs: result.durationMs };
  }

  /**
   * Folds a sent request's outcome into the endpoint's breaker without holding up the delivery's own
   * bookkeeping. The request has reached the partner, so its settlement must reach MongoDB whatever
   * Redis does: awaiting the breaker here let a Redis outage or a cluster failover stall the settlement
   * (or fail the job), and the job then ran again and sent the same forward twice. The command is
   * issued at once on the throttle's one connection, so this process's next `acquire` still sees it;
   * a breaker update lost to an outage only delays an open until the next failure writes again.
   */
  private recordInBreaker(
    endpointId: string,
    signal: 'success' | 'failure',
    url: string,
    lastError?: string,
  ): void {
    this.throttle.record(endpointId, signal).then(
      (state) => {
        if (state !== 'open') return;
        this.alerts.notify({
          kind: 'endpoint.breaker_opened',
          subject: endpointId,
          summary: `endpoint ${endpointId} keeps failing: its circuit breaker is open and deliveries to it wait`,
          details: { endpointId, url, lastError },
        });
      },
      (error: unknown) =>
        this.logger.warn({
          msg: 'circuit breaker not updated',
          endpointId,
          signal,
          err: error instanceof Error ? error.message : String(error),
        }),
    );
  }

  private alertDead(input: AttemptInput, lastError: string, url?: string, statusCode?: number): void {
    this.alerts.notify({
      kind: 'delivery.dead',
      subject: input.endpoint.id,
      summary: `a delivery to endpoint ${input.endpoint.id} is dead after ${input.attemptNo} attempt(s): ${lastError}`,
      details: {
        deliveryId: input.deliveryId,
        endpointId: input.endpoint.id,
        attemptNo: input.attemptNo,
        statusCode,
        url,
        lastError,
      },
    });
  }

  private settle(
    endpoint: EndpointRecord,
    outcome: DeliveryOutcome,
    attemptNo: number,
    statusCode: number | undefined,
    lastError: string,
  ): AttemptSettlement {
    switch (outcome.kind) {
      case 'delivered':
        return { state: 'delivered', statusCode };
      case 'gone':
        return { state: 'dead', statusCode, lastError, gone: true };
      case 'permanent':
        return { state: 'dead', statusCode, lastError, gone: false };
      case 'retry': {
        const delayMs = nextRetryDelayMs({
          attemptsMade: attemptNo,
          schedule: endpoint.retryScheduleMs ?? this.config.forwarding.retryScheduleMs,
          retryAfterMs: outcome.retryAfterMs,
        });
        if (delayMs === null) {
          return { state: 'dead', statusCode, lastError: `${lastError} (retries exhausted)`, gone: false };
        }
        return {
          state: 'failed',
          statusCode,
          lastError,
          delayMs,
          nextAttemptAt: new Date(Date.now() + delayMs),
        };
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

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
