import { formatMoney } from '@ricochet/domain/money';
import type {
  ClickRecord,
  ConversionRecord,
  DeliveryAttemptRecord,
  DeliveryRecord,
  PostbackRecord,
} from '@ricochet/persistence';
import { toConversionResponse } from '../conversions/conversion.mapper';
import { toDeliveryAttemptResponse, toDeliveryResponse } from '../deliveries/delivery.mapper';
import { toPostbackResponse } from '../postbacks/postback.mapper';
import { TRACE_KINDS, type TraceEntryResponse } from './dto/click-trace-response.dto';
import { toClickDetailResponse } from './click.mapper';

/** Everything recorded about one click, as loaded by the trace service. */
export interface ClickTraceRecords {
  click: ClickRecord | null;
  postbacks: PostbackRecord[];
  conversions: ConversionRecord[];
  deliveries: DeliveryRecord[];
  attempts: DeliveryAttemptRecord[];
}

/**
 * One timeline, oldest first. Steps with the same time keep the causal order (click, postback,
 * conversion, status change, delivery, attempt) so a trace reads top to bottom even at millisecond ties.
 */
export function toTraceEntries(records: ClickTraceRecords): TraceEntryResponse[] {
  const entries: TraceEntryResponse[] = [
    ...(records.click ? [clickEntry(records.click)] : []),
    ...records.postbacks.map(postbackEntry),
    ...records.conversions.flatMap(conversionEntries),
    ...records.deliveries.map(deliveryEntry),
    ...records.attempts.map(attemptEntry),
  ];
  const rank = (entry: TraceEntryResponse): number => TRACE_KINDS.indexOf(entry.kind);
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime() || rank(a) - rank(b));
}

function clickEntry(click: ClickRecord): TraceEntryResponse {
  return {
    at: click.createdAt,
    kind: 'click',
    id: click.clickId,
    summary: `click on offer ${click.offerId} from source ${click.sourceId}`,
    data: toClickDetailResponse(click),
  };
}

function postbackEntry(postback: PostbackRecord): TraceEntryResponse {
  const n = postback.normalized;
  const reason = postback.rejectReason ? `: ${postback.rejectReason}` : '';
  const payout =
    n?.payout !== undefined ? `, payout ${formatMoney(n.payout)}${n.currency ? ` ${n.currency}` : ''}` : '';
  const details = n ? ` (${n.status}, event ${n.event}${payout})` : '';
  return {
    at: postback.receivedAt,
    kind: 'postback',
    id: postback.id,
    summary: `postback ${postback.outcome}${reason}${details}`,
    data: toPostbackResponse(postback),
  };
}

function conversionEntries(conversion: ConversionRecord): TraceEntryResponse[] {
  const [first, ...changes] = conversion.history;
  const created: TraceEntryResponse = {
    at: conversion.createdAt,
    kind: 'conversion',
    id: conversion.id,
    summary:
      `conversion "${conversion.event}" created ${first?.status ?? conversion.status}, revenue ` +
      `${formatMoney(conversion.revenue)}, payout ${formatMoney(conversion.payout)} ${conversion.currency}`,
    data: toConversionResponse(conversion),
  };
  let previous = first?.status ?? conversion.status;
  const transitions = changes.map((change): TraceEntryResponse => {
    const summary = `conversion ${previous} → ${change.status} by ${change.by}${change.note ? `: ${change.note}` : ''}`;
    previous = change.status;
    return { at: change.at, kind: 'status-change', id: conversion.id, summary, data: change };
  });
  return [created, ...transitions];
}

function deliveryEntry(delivery: DeliveryRecord): TraceEntryResponse {
  const tries = `${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}`;
  return {
    at: delivery.createdAt,
    kind: 'delivery',
    id: delivery.id,
    summary: `delivery of ${delivery.status} to endpoint ${delivery.endpointId}: ${delivery.state} after ${tries}`,
    data: toDeliveryResponse(delivery),
  };
}

function attemptEntry(attempt: DeliveryAttemptRecord): TraceEntryResponse {
  const result =
    attempt.statusCode !== undefined ? `HTTP ${attempt.statusCode}` : (attempt.errorClass ?? 'no response');
  return {
    at: attempt.startedAt,
    kind: 'attempt',
    id: attempt.id,
    summary: `attempt ${attempt.attemptNo} (${attempt.trigger}) of delivery ${attempt.deliveryId}: ${result} in ${attempt.durationMs} ms`,
    data: { deliveryId: attempt.deliveryId, ...toDeliveryAttemptResponse(attempt) },
  };
}
