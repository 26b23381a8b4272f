import type { ConversionStatus } from '../model';

/** The firing settings of one source endpoint; omitted fields take their defaults. */
export interface EndpointFiringRule {
  /** Events this endpoint wants, or `'*'` for all (default `'*'`); compared case-insensitively. */
  events?: readonly string[] | '*';
  /** Statuses this endpoint wants (default `['approved']`). */
  statuses?: readonly ConversionStatus[];
  /** At most one forward per conversion (default `true`), except a reversal to a `rejected` listener. */
  fireOnce?: boolean;
  /** A disabled endpoint never fires (default `true`). */
  enabled?: boolean;
}

/** The conversion state being forwarded, and what this endpoint already received for it. */
export interface ConversionFiringState {
  event: string;
  /** The conversion's new status. */
  status: ConversionStatus;
  /** True for approved → rejected. */
  reversal: boolean;
  /** Statuses already forwarded (a Delivery exists) to this endpoint for this conversion. */
  forwardedStatuses: readonly ConversionStatus[];
}

/** `statuses` when an endpoint does not say. */
export const DEFAULT_ENDPOINT_STATUSES: readonly ConversionStatus[] = ['approved'];

function eventMatches(events: readonly string[] | '*', event: string): boolean {
  if (events === '*') return true;
  const wanted = event.toLowerCase();
  return events.some((e) => e === '*' || e.toLowerCase() === wanted);
}

/**
 * Whether a conversion state fires this endpoint. It fires when the endpoint is enabled,
 * the event and the status match, and this status has not been forwarded to it yet (the delivery
 * idempotency key conversionId + endpointId + status makes that a hard limit anyway). With `fireOnce`
 * (the default) only the first matching status fires, except a reversal (approved → rejected) to an
 * endpoint that listens for `rejected`, so a source that was told "approved" also learns of the
 * chargeback. Without `fireOnce` every matching status fires once.
 */
export function endpointFires(endpoint: EndpointFiringRule, state: ConversionFiringState): boolean {
  if (endpoint.enabled === false) return false;
  if (!eventMatches(endpoint.events ?? '*', state.event)) return false;
  if (!(endpoint.statuses ?? DEFAULT_ENDPOINT_STATUSES).includes(state.status)) return false;
  if (state.forwardedStatuses.includes(state.status)) return false;
  if (endpoint.fireOnce === false || state.forwardedStatuses.length === 0) return true;
  return state.reversal && state.status === 'rejected';
}
