import type { ConversionStatus, Micros } from '../model';
import { formatMoney } from '../money';
import { type MacroValues, SUB_MACROS } from './macros';

/** The conversion facts a forward is rendered from (persistence records satisfy it structurally). */
export interface MacroConversion {
  id: string;
  clickId: string;
  offerId: string;
  sourceId: string;
  event: string;
  txid?: string;
  revenue: Micros;
  payout: Micros;
  currency: string;
}

/** The click facts; absent when the click has aged out (retention): its macros render empty. */
export type MacroClick = { extClickId?: string; country?: string } & Partial<
  Record<(typeof SUB_MACROS)[number], string>
>;

export interface MacroSources {
  /** The status this forward announces: a reversal says `rejected` even if the conversion moved on since. */
  status: ConversionStatus;
  conversion: MacroConversion;
  click?: MacroClick | null;
  /** The raw postback's parameters, for `{postback.NAME}`. */
  postbackParams?: Record<string, string>;
  /** When the attempt is made: `{timestamp}` and `{iso_time}`. */
  now: Date;
}

/**
 * The macro values of one forward: `{payout}` is the source's payout and `{revenue}` the
 * advertiser's, both exact decimals. Used by the delivery worker and by the admin template preview, so a
 * preview shows exactly what a send would.
 */
export function buildMacroValues(sources: MacroSources): MacroValues {
  const { conversion, click, now } = sources;
  const values: MacroValues = {
    click_id: conversion.clickId,
    ext_click_id: click?.extClickId,
    offer_id: conversion.offerId,
    source_id: conversion.sourceId,
    payout: formatMoney(conversion.payout),
    revenue: formatMoney(conversion.revenue),
    currency: conversion.currency,
    status: sources.status,
    event: conversion.event,
    txid: conversion.txid,
    conversion_id: conversion.id,
    timestamp: String(Math.floor(now.getTime() / 1000)),
    iso_time: now.toISOString(),
    country: click?.country,
    postback: sources.postbackParams ?? {},
  };
  for (const sub of SUB_MACROS) values[sub] = click?.[sub];
  return values;
}
