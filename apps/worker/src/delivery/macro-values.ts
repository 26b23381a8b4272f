import type { ConversionStatus } from '@ricochet/domain/model';
import { formatMoney } from '@ricochet/domain/money';
import type { MacroValues } from '@ricochet/domain/templates';
import type { ClickRecord, ConversionRecord, PostbackRecord } from '@ricochet/persistence';
import { SUB_KEYS } from '@ricochet/persistence';

/** What a forward is rendered from. The click and postback may be gone (retention); their macros render empty. */
export interface MacroSources {
  deliveryStatus: ConversionStatus;
  conversion: ConversionRecord;
  click?: ClickRecord | null;
  postback?: PostbackRecord | null;
  /** When this attempt is made: `{timestamp}` and `{iso_time}`. */
  now: Date;
}

/**
 * The macro values of one delivery attempt (DESIGN §6). `{status}` is the status this delivery forwards
 * (a reversal forwards `rejected` even if the conversion changed again since), `{payout}` the source's
 * payout and `{revenue}` the advertiser's, both exact decimals.
 */
export function buildMacroValues(sources: MacroSources): MacroValues {
  const { conversion, click, postback, now } = sources;
  const values: MacroValues = {
    click_id: conversion.clickId,
    ext_click_id: click?.extClickId,
    offer_id: conversion.offerId,
    source_id: conversion.sourceId,
    payout: formatMoney(conversion.payout),
    revenue: formatMoney(conversion.revenue),
    currency: conversion.currency,
    status: sources.deliveryStatus,
    event: conversion.event,
    txid: conversion.txid,
    conversion_id: conversion.id,
    timestamp: String(Math.floor(now.getTime() / 1000)),
    iso_time: now.toISOString(),
    country: click?.country,
    postback: postback?.params ?? {},
  };
  for (const sub of SUB_KEYS) {
    values[sub] = click?.[sub];
  }
  return values;
}
