import { formatMoney } from '@ricochet/domain/money';
import { type MacroValues, POSTBACK_MACRO_PREFIX } from '@ricochet/domain/templates';
import {
  type ClickRecord,
  type ConversionRecord,
  type PostbackRecord,
  SUB_KEYS,
} from '@ricochet/persistence';

/**
 * Macro values of a stored conversion, as a forward of its current status would get them. Mirrors the
 * worker's `buildMacroValues` (apps cannot import each other); the click or postback may be gone.
 */
export function conversionMacroValues(
  conversion: ConversionRecord,
  click: ClickRecord | null,
  postback: PostbackRecord | null,
  now: Date,
): MacroValues {
  const values: MacroValues = {
    click_id: conversion.clickId,
    ext_click_id: click?.extClickId,
    offer_id: conversion.offerId,
    source_id: conversion.sourceId,
    payout: formatMoney(conversion.payout),
    revenue: formatMoney(conversion.revenue),
    currency: conversion.currency,
    status: conversion.status,
    event: conversion.event,
    txid: conversion.txid,
    conversion_id: conversion.id,
    timestamp: String(Math.floor(now.getTime() / 1000)),
    iso_time: now.toISOString(),
    country: click?.country,
    postback: postback?.params ?? {},
  };
  for (const sub of SUB_KEYS) values[sub] = click?.[sub];
  return values;
}

/** Applies the caller's overrides: `payout` sets a macro, `postback.goal` a postback parameter. */
export function withOverrides(values: MacroValues, overrides: Record<string, unknown>): MacroValues {
  const result: MacroValues = { ...values, postback: { ...values.postback } };
  const postback: Record<string, string> = { ...values.postback };
  for (const [name, value] of Object.entries(overrides)) {
    const text = String(value);
    if (name.startsWith(POSTBACK_MACRO_PREFIX)) postback[name.slice(POSTBACK_MACRO_PREFIX.length)] = text;
    else (result as Record<string, unknown>)[name] = text;
  }
  result.postback = postback;
  return result;
}
