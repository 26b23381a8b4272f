import { formatRetrySchedule } from '@ricochet/domain/delivery';
import type { EndpointRecord, SourceRecord } from '@ricochet/persistence';
import { toPayoutPolicyResponse } from '../common/payout-rule.mapper';
import type { EndpointResponse } from './dto/endpoint.dto';
import type { SourceResponse } from './dto/source.dto';

function toEndpointResponse(endpoint: EndpointRecord, reveal: ReadonlySet<string>): EndpointResponse {
  return {
    id: endpoint.id,
    url: endpoint.url,
    method: endpoint.method,
    bodyFormat: endpoint.bodyFormat,
    ...(endpoint.bodyTemplate !== undefined ? { bodyTemplate: endpoint.bodyTemplate } : {}),
    headers: endpoint.headers,
    events: endpoint.events,
    statuses: endpoint.statuses,
    fireOnce: endpoint.fireOnce,
    ...(endpoint.successBodyMatch !== undefined ? { successBodyMatch: endpoint.successBodyMatch } : {}),
    ...(endpoint.maxRps !== undefined ? { maxRps: endpoint.maxRps } : {}),
    hasSigningSecret: endpoint.signingSecret !== undefined,
    ...(endpoint.signingSecret !== undefined && reveal.has(endpoint.id)
      ? { signingSecret: endpoint.signingSecret }
      : {}),
    ...(endpoint.retryScheduleMs !== undefined
      ? { retrySchedule: formatRetrySchedule(endpoint.retryScheduleMs) }
      : {}),
    enabled: endpoint.enabled,
    ...(endpoint.disabledReason !== undefined ? { disabledReason: endpoint.disabledReason } : {}),
  };
}

/**
 * The one record → response mapping for sources. Endpoint signing secrets are write-only: one is
 * included only for the endpoint ids in `reveal`, i.e. in the response of the request that generated it.
 */
export function toSourceResponse(
  record: SourceRecord,
  reveal: ReadonlySet<string> = new Set(),
): SourceResponse {
  return {
    id: record.id,
    name: record.name,
    ...(record.payoutPolicy ? { payoutRule: toPayoutPolicyResponse(record.payoutPolicy) } : {}),
    endpoints: record.endpoints.map((endpoint) => toEndpointResponse(endpoint, reveal)),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
