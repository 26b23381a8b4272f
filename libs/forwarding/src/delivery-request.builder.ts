import { Injectable } from '@nestjs/common';
import { signStandardWebhook } from '@ricochet/domain/delivery';
import { type BodyMatcher, LinearPattern, MAX_MATCHED_CHARS } from '@ricochet/domain/security';
import {
  compileTemplate,
  type CompiledTemplate,
  isTemplateRenderError,
  type MacroValues,
  renderTemplate,
  type TemplateKind,
  TemplateRenderError,
} from '@ricochet/domain/templates';
import type { EndpointRecord } from '@ricochet/persistence';
import { MAX_MATCH_BYTES, type OutgoingRequest, SNIPPET_BYTES } from './http-sender';

export const USER_AGENT = 'Ricochet/0.1';

/** Compiled templates kept; the cache is emptied when full (endpoints are few, templates change rarely). */
const MAX_CACHED_TEMPLATES = 2000;
/** Longest rendered header value sent; a template that renders longer is an endpoint error, not a retry. */
export const MAX_HEADER_VALUE_LENGTH = 8192;
/** Response bytes read for a success check: what the linear-time matcher looks at, at most. */
export const SUCCESS_MATCH_BYTES = Math.min(MAX_MATCH_BYTES, MAX_MATCHED_CHARS);
/** RFC 9110 token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** The request of one attempt, plus what the caller needs to judge the answer. */
export interface BuiltRequest extends OutgoingRequest {
  /** Linear-time success check of a 2xx body (RE2 semantics): never a backtracking RegExp. */
  successBodyMatch?: BodyMatcher;
}

/**
 * Renders an endpoint's URL, body and headers for one attempt. Templates were validated
 * when saved; compiling them again here (cached by source text) also catches one stored by other means.
 * Header values come out as visible ASCII (macro values percent-encoded), so undici never refuses them.
 *
 * @throws TemplateRenderError (name `TemplateRenderError`, `errorClass: 'template_error'`) when anything
 *   about the endpoint cannot be rendered into a sendable request: a permanent failure, never a retry.
 */
@Injectable()
export class DeliveryRequestBuilder {
  private readonly templates = new Map<string, CompiledTemplate>();
  private readonly patterns = new Map<string, LinearPattern>();

  build(endpoint: EndpointRecord, values: MacroValues, deliveryId: string, now: Date): BuiltRequest {
    const url = this.render(endpoint.url, 'forward-url', values, 'url');
    checkUrl(url);
    const headers: Record<string, string> = {};
    for (const [name, template] of Object.entries(endpoint.headers ?? {})) {
      const field = `headers.${name}`;
      if (!HEADER_NAME.test(name))
        throw new TemplateRenderError(field, `"${name}" is not a valid header name`);
      headers[name.toLowerCase()] = checkHeaderValue(this.render(template, 'header', values, field), field);
    }
    let body: string | undefined;
    if (endpoint.method === 'POST') {
      const json = endpoint.bodyFormat !== 'form';
      body = endpoint.bodyTemplate
        ? this.render(endpoint.bodyTemplate, json ? 'json-body' : 'form-body', values, 'bodyTemplate')
        : '';
      headers['content-type'] ??= json ? 'application/json' : 'application/x-www-form-urlencoded';
    }
    // Set last: an endpoint header must not override the idempotency key receivers deduplicate on.
    headers['idempotency-key'] = deliveryId;
    headers['user-agent'] = USER_AGENT;
    if (endpoint.signingSecret) {
      Object.assign(
        headers,
        guard('signing', () =>
          signStandardWebhook({
            id: deliveryId,
            timestampSec: Math.floor(now.getTime() / 1000),
            body: body ?? '',
            secret: endpoint.signingSecret ?? '',
          }),
        ),
      );
    }
    const successBodyMatch = endpoint.successBodyMatch ? this.pattern(endpoint.successBodyMatch) : undefined;
    return {
      url,
      method: endpoint.method,
      headers,
      body,
      ...(successBodyMatch ? { successBodyMatch } : {}),
      readBytes: successBodyMatch ? SUCCESS_MATCH_BYTES : SNIPPET_BYTES,
    };
  }

  private render(source: string, kind: TemplateKind, values: MacroValues, field: string): string {
    return guard(field, () => {
      const key = `${kind}\u0000${source}`;
      let compiled = this.templates.get(key);
      if (!compiled) {
        compiled = compileTemplate(source, { kind, field });
        if (this.templates.size >= MAX_CACHED_TEMPLATES) this.templates.clear();
        this.templates.set(key, compiled);
      }
      return renderTemplate(compiled, values);
    });
  }

  private pattern(source: string): LinearPattern {
    return guard('successBodyMatch', () => {
      let pattern = this.patterns.get(source);
      if (!pattern) {
        pattern = LinearPattern.compile(source);
        if (this.patterns.size >= MAX_CACHED_TEMPLATES) this.patterns.clear();
        this.patterns.set(source, pattern);
      }
      return pattern;
    });
  }
}

/** Runs one step of the build, turning whatever it throws into a {@link TemplateRenderError} for `field`. */
function guard<T>(field: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (isTemplateRenderError(error)) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new TemplateRenderError(field, detail, { cause: error });
  }
}

function checkUrl(url: string): void {
  try {
    new URL(url);
  } catch {
    throw new TemplateRenderError(
      'url',
      `the rendered URL does not parse: ${JSON.stringify(url.slice(0, 200))}`,
    );
  }
}

/** Visible ASCII, space and tab only, within {@link MAX_HEADER_VALUE_LENGTH}: what HTTP/1.1 can carry. */
function checkHeaderValue(value: string, field: string): string {
  if (value.length > MAX_HEADER_VALUE_LENGTH) {
    throw new TemplateRenderError(
      field,
      `the rendered value is ${value.length} characters long; at most ${MAX_HEADER_VALUE_LENGTH} are sent`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c > 0x7e) {
      throw new TemplateRenderError(
        field,
        `the rendered value holds U+${c.toString(16).toUpperCase().padStart(4, '0')} at position ${i}; ` +
          'header text must be ASCII (macro values are percent-encoded, literal text must be ASCII)',
      );
    }
  }
  return value;
}
