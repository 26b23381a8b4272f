import { Injectable } from '@nestjs/common';
import { signStandardWebhook } from '@ricochet/domain/delivery';
import {
  compileTemplate,
  type CompiledTemplate,
  type MacroValues,
  renderTemplate,
  type TemplateKind,
} from '@ricochet/domain/templates';
import type { EndpointRecord } from '@ricochet/persistence';
import { MAX_MATCH_BYTES, type OutgoingRequest, SNIPPET_BYTES } from './http-sender';

export const USER_AGENT = 'Ricochet/0.1';

/** Compiled templates kept; the cache is emptied when full (endpoints are few, templates change rarely). */
const MAX_CACHED_TEMPLATES = 2000;

/** The request of one attempt, plus what the caller needs to judge the answer. */
export interface BuiltRequest extends OutgoingRequest {
  successBodyMatch?: RegExp;
}

/**
 * Renders an endpoint's URL, body and headers for one attempt (DESIGN §5, §6). Templates were validated
 * when saved; compiling them again here (cached by source text) also catches one stored by other means.
 *
 * @throws TemplateError when a stored template does not compile.
 */
@Injectable()
export class DeliveryRequestBuilder {
  private readonly cache = new Map<string, CompiledTemplate>();

  build(endpoint: EndpointRecord, values: MacroValues, deliveryId: string, now: Date): BuiltRequest {
    const url = this.render(endpoint.url, 'forward-url', values, 'url');
    const headers: Record<string, string> = {};
    for (const [name, template] of Object.entries(endpoint.headers ?? {})) {
      headers[name.toLowerCase()] = this.render(template, 'header', values, `headers.${name}`);
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
        signStandardWebhook({
          id: deliveryId,
          timestampSec: Math.floor(now.getTime() / 1000),
          body: body ?? '',
          secret: endpoint.signingSecret,
        }),
      );
    }
    const successBodyMatch = endpoint.successBodyMatch ? new RegExp(endpoint.successBodyMatch) : undefined;
    return {
      url,
      method: endpoint.method,
      headers,
      body,
      successBodyMatch,
      readBytes: successBodyMatch ? MAX_MATCH_BYTES : SNIPPET_BYTES,
    };
  }

  private render(source: string, kind: TemplateKind, values: MacroValues, field: string): string {
    const key = `${kind}\u0000${source}`;
    let compiled = this.cache.get(key);
    if (!compiled) {
      compiled = compileTemplate(source, { kind, field });
      if (this.cache.size >= MAX_CACHED_TEMPLATES) this.cache.clear();
      this.cache.set(key, compiled);
    }
    return renderTemplate(compiled, values);
  }
}
