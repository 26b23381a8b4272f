import { randomBytes } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { classifyNetworkError, classifyResponse, type DeliveryOutcome } from '@ricochet/domain/delivery';
import { CONVERSION_STATUSES, type ConversionStatus } from '@ricochet/domain/model';
import { createRedactionPolicy, type RedactionPolicy, VALUE_MASK } from '@ricochet/domain/security';
import {
  FORWARD_MACROS,
  isTemplateRenderError,
  type MacroValues,
  POSTBACK_MACRO_PREFIX,
  sampleMacroValues,
} from '@ricochet/domain/templates';
import { ConversionRepository, SourceRepository } from '@ricochet/persistence';
import {
  DeliveryContextLoader,
  type BuiltRequest,
  DeliveryRequestBuilder,
  HttpSender,
  type SendResult,
  SNIPPET_BYTES,
} from '@ricochet/forwarding';
import { configInputError } from '../common/config-input.error';
import { withOverrides } from '../tools/preview-values';
import type {
  TestSendBody,
  TestSendError,
  TestSendOutcome,
  TestSendRequestView,
  TestSendResponse,
  TestSendResponseView,
} from './dto/test-send.dto';
import { findEndpointOrThrow } from '../common/endpoint-lookup';

/** The header that tells a receiver this request is a test, not a conversion. */
export const TEST_SEND_HEADER = 'x-ricochet-test';
/** Request headers shown as sent although their names look secret: nothing in them is. */
const PUBLIC_HEADERS: ReadonlySet<string> = new Set(['idempotency-key']);
/** Most `values` entries one request may give. */
const MAX_VALUES = 100;
/** Longest value one macro may be given. */
const MAX_VALUE_LENGTH = 2048;
/** `{postback.NAME}`: the parameter names a template may read. */
const POSTBACK_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MACRO_NAMES: ReadonlySet<string> = new Set(FORWARD_MACROS);

/**
 * Sends one request to an endpoint exactly as a delivery would (the worker's request builder and HTTP
 * client: same templates, headers, signature, timeouts and SSRF guard) and shows the request and the
 * answer. Nothing is stored: no conversion, delivery or attempt, and the endpoint's rate limit and
 * circuit breaker are neither consulted nor fed. The request carries `X-Ricochet-Test: 1` and an
 * `Idempotency-Key` (and `webhook-id`) of its own, never one a real delivery uses.
 */
@Injectable()
export class TestSendService {
  private readonly redaction: RedactionPolicy;

  constructor(
    @InjectConfig() config: RicochetConfig,
    private readonly sources: SourceRepository,
    private readonly conversions: ConversionRepository,
    private readonly context: DeliveryContextLoader,
    private readonly builder: DeliveryRequestBuilder,
    private readonly sender: HttpSender,
  ) {
    this.redaction = createRedactionPolicy(config.security.redactNames);
  }

  async send(body: TestSendBody): Promise<TestSendResponse> {
    const overrides = checkValues(body.values ?? {});
    const endpoint = await findEndpointOrThrow(
      this.sources,
      body.sourceId.toLowerCase(),
      body.endpointId.toLowerCase(),
    );
    const values = await this.valuesFor(body, overrides);
    const testId = randomBytes(12).toString('hex');
    let built: BuiltRequest;
    try {
      built = this.builder.build(endpoint, values, testId, new Date());
    } catch (error) {
      if (!isTemplateRenderError(error)) throw error;
      // What a delivery records as `template_error`: nothing can be sent.
      return {
        request: null,
        response: null,
        outcome: 'dead',
        error: { class: 'template_error', message: `template_error: ${error.message}` },
        durationMs: 0,
      };
    }
    const outgoing: BuiltRequest = { ...built, headers: { ...built.headers, [TEST_SEND_HEADER]: '1' } };
    const result = await this.sender.send(outgoing);
    const outcome = classify(result, outgoing);
    const error = describeError(result, outcome);
    return {
      request: this.requestView(outgoing),
      response: result.kind === 'response' ? this.responseView(result) : null,
      outcome: outcomeOf(outcome),
      ...(error ? { error } : {}),
      durationMs: result.durationMs,
    };
  }

  /** A stored conversion's values as its delivery would render them, or sample values for this source. */
  private async valuesFor(body: TestSendBody, overrides: Record<string, string>): Promise<MacroValues> {
    let base: MacroValues;
    if (body.conversionId !== undefined) {
      const conversion = await this.conversions.findById(body.conversionId);
      if (!conversion) {
        throw new NotFoundException({
          code: 'CONVERSION_NOT_FOUND',
          message: `"conversionId": no conversion has id "${body.conversionId}"`,
          param: 'conversionId',
        });
      }
      const status = (overrides.status as ConversionStatus | undefined) ?? conversion.status;
      base = await this.context.valuesFor(conversion, status);
    } else {
      const now = new Date();
      base = {
        ...sampleMacroValues(),
        source_id: body.sourceId.toLowerCase(),
        timestamp: String(Math.floor(now.getTime() / 1000)),
        iso_time: now.toISOString(),
      };
    }
    return withOverrides(base, overrides);
  }

  private requestView(request: BuiltRequest): TestSendRequestView {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name] = !PUBLIC_HEADERS.has(name) && this.redaction.isSecretName(name) ? VALUE_MASK : value;
    }
    return {
      method: request.method,
      url: this.redaction.redactUrl(request.url),
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    };
  }

  private responseView(result: Extract<SendResult, { kind: 'response' }>): TestSendResponseView {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.headers)) {
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(', ') : value;
      headers[name] = this.redaction.isSecretName(name) ? VALUE_MASK : text;
    }
    return { status: result.status, headers, body: result.body.slice(0, SNIPPET_BYTES) };
  }
}

/**
 * The caller's macro values: known macro names (or `postback.NAME`) with text or number values, and
 * `status` one of the conversion statuses.
 */
function checkValues(values: Record<string, unknown>): Record<string, string> {
  const entries = Object.entries(values);
  if (entries.length > MAX_VALUES) {
    throw configInputError(
      'TOO_MANY_VALUES',
      'values',
      `give at most ${MAX_VALUES} values, got ${entries.length}`,
    );
  }
  const checked: Record<string, string> = {};
  for (const [name, value] of entries) {
    const param = `values.${name}`;
    const isPostback = name.startsWith(POSTBACK_MACRO_PREFIX);
    if (isPostback ? !POSTBACK_NAME.test(name.slice(POSTBACK_MACRO_PREFIX.length)) : !MACRO_NAMES.has(name)) {
      throw configInputError(
        'UNKNOWN_MACRO',
        param,
        `"${name}" is not a macro a forward can use`,
        `use one of ${FORWARD_MACROS.join(', ')}, or postback.NAME for an advertiser parameter`,
      );
    }
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw configInputError('INVALID_VALUE', param, `"${param}" must be text or a number`);
    }
    const text = String(value);
    if (text.length > MAX_VALUE_LENGTH) {
      throw configInputError(
        'INVALID_VALUE',
        param,
        `"${param}" is ${text.length} characters long; at most ${MAX_VALUE_LENGTH} are accepted`,
      );
    }
    if (name === 'status' && !(CONVERSION_STATUSES as readonly string[]).includes(text)) {
      throw configInputError(
        'INVALID_STATUS',
        param,
        `"${param}" must be one of ${CONVERSION_STATUSES.join(', ')}, got ${JSON.stringify(text)}`,
      );
    }
    checked[name] = text;
  }
  return checked;
}

/** The delivery verdict on this answer (or on the error instead of one). */
function classify(result: SendResult, request: BuiltRequest): DeliveryOutcome {
  if (result.kind === 'error') return classifyNetworkError(result.error);
  return classifyResponse({
    status: result.status,
    headers: result.headers,
    body: result.body,
    successBodyMatch: request.successBodyMatch,
  });
}

function outcomeOf(outcome: DeliveryOutcome): TestSendOutcome {
  switch (outcome.kind) {
    case 'delivered':
      return 'delivered';
    case 'retry':
      return 'failed';
    case 'permanent':
    case 'gone':
      return 'dead';
  }
}

/** The error class and message an attempt record would carry; undefined when delivered. */
function describeError(result: SendResult, outcome: DeliveryOutcome): TestSendError | undefined {
  if (outcome.kind === 'delivered') return undefined;
  const errorClass = outcome.kind === 'gone' ? 'gone' : outcome.errorClass;
  if (result.kind === 'response') {
    return { class: errorClass, message: `HTTP ${result.status} (${errorClass})` };
  }
  const detail = result.error instanceof Error ? result.error.message : String(result.error);
  return { class: errorClass, message: `${errorClass}: ${detail}` };
}
