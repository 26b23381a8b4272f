import { formatMoney } from '@ricochet/domain/money';
import type { Micros } from '@ricochet/domain/model';
import type { ClickTotals, ConversionTotals, DeliveryTotals } from '@ricochet/persistence';
import type { ReportRowResponse } from './dto/report-response.dto';

const RATIO_DECIMALS = 4;

/** `numerator / denominator` rounded half-up to 4 decimals, as a string (`"0.3333"`); null for a zero denominator. */
export function formatRatio(numerator: number, denominator: number): string | null {
  if (denominator === 0) return null;
  const scale = 10n ** BigInt(RATIO_DECIMALS);
  const den = BigInt(denominator);
  const scaled = (BigInt(numerator) * scale * 2n + den) / (2n * den);
  const fraction = (scaled % scale).toString().padStart(RATIO_DECIMALS, '0');
  return `${scaled / scale}.${fraction}`;
}

/** Money per item (EPC), rounded half-up to the micro; null without items. */
export function formatMoneyPer(total: Micros, count: number): string | null {
  if (count === 0) return null;
  const den = BigInt(count);
  return formatMoney(Number((BigInt(total) * 2n + den) / (2n * den)));
}

export interface ReportTotals {
  clicks: ClickTotals[];
  conversions: ConversionTotals[];
  deliveries: DeliveryTotals[];
  /** Clicks have no event: when set, every row's clicks are this total instead of a per-key count. */
  clicksForEveryRow?: number;
}

/** One row per key seen in any of the three aggregations, sorted by key. */
export function toReportRows(totals: ReportTotals): ReportRowResponse[] {
  const clicks = new Map(totals.clicks.map((row) => [row.key, row.clicks]));
  const conversions = new Map(totals.conversions.map((row) => [row.key, row]));
  const deliveries = new Map(totals.deliveries.map((row) => [row.key, row]));
  const keys = new Set([
    ...(totals.clicksForEveryRow === undefined ? clicks.keys() : []),
    ...conversions.keys(),
    ...deliveries.keys(),
  ]);
  return [...keys].sort().map((key) => {
    const clickCount = totals.clicksForEveryRow ?? clicks.get(key) ?? 0;
    const conversion = conversions.get(key);
    const delivery = deliveries.get(key);
    const revenue = conversion?.revenue ?? 0;
    const payout = conversion?.payout ?? 0;
    return {
      key,
      clicks: clickCount,
      conversions: conversion?.conversions ?? 0,
      approved: conversion?.approved ?? 0,
      revenue: formatMoney(revenue),
      payout: formatMoney(payout),
      profit: formatMoney(revenue - payout),
      cr: formatRatio(conversion?.conversions ?? 0, clickCount),
      epc: formatMoneyPer(revenue, clickCount),
      deliverySuccessRate: formatRatio(delivery?.delivered ?? 0, delivery?.settled ?? 0),
    };
  });
}
