import { addMoney, formatMoney } from '@ricochet/domain/money';
import type { Micros } from '@ricochet/domain/model';
import type { ReportSlice } from '@ricochet/persistence';
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

/** Conversions of one currency in one group. */
export interface CurrencyTotals {
  conversions: number;
  approved: number;
  revenue: Micros;
  payout: Micros;
}

/** Everything counted for one group key (a local day or hour, an entity, an event). */
export interface GroupTotals {
  key: string;
  name: string | null;
  /** Clicks with this key; null when clicks do not have the key's dimension (events). */
  clicks: number | null;
  delivered: number;
  settled: number;
  byCurrency: Map<string, CurrencyTotals>;
}

export function emptyGroup(key: string, withClicks: boolean): GroupTotals {
  return { key, name: null, clicks: withClicks ? 0 : null, delivered: 0, settled: 0, byCurrency: new Map() };
}

/** Adds one slice (clicks, one currency's conversions, or deliveries) to its group. */
export function addSlice(group: GroupTotals, slice: ReportSlice): void {
  group.name ??= slice.name;
  if (group.clicks !== null) group.clicks += slice.clicks;
  group.delivered += slice.delivered;
  group.settled += slice.settled;
  if (slice.currency === null) return;
  const totals = group.byCurrency.get(slice.currency) ?? {
    conversions: 0,
    approved: 0,
    revenue: 0,
    payout: 0,
  };
  totals.conversions += slice.conversions;
  totals.approved += slice.approved;
  totals.revenue = addMoney(totals.revenue, slice.revenue);
  totals.payout = addMoney(totals.payout, slice.payout);
  group.byCurrency.set(slice.currency, totals);
}

/**
 * Folds slices sorted by group (as {@link ReportRepository.slices} returns them, labelled by `groupOf`)
 * into one {@link GroupTotals} per group, each yielded as soon as the next group starts.
 */
export async function* foldGroups(
  slices: AsyncIterable<ReportSlice>,
  groupOf: (slice: ReportSlice) => string,
  withClicks: boolean,
): AsyncGenerator<GroupTotals> {
  let current: GroupTotals | undefined;
  for await (const slice of slices) {
    const key = groupOf(slice);
    if (current && current.key !== key) {
      yield current;
      current = undefined;
    }
    current ??= emptyGroup(key, withClicks);
    addSlice(current, slice);
  }
  if (current) yield current;
}

/**
 * The rows of one group: one per currency its conversions were in (sorted by currency), or one row
 * without currency when it had none. Money is never added across currencies. Clicks and the delivery
 * success rate have no currency: they belong to the group and are repeated on each of its rows. `cr`
 * and `epc` divide the row's conversions and revenue by `clickBase`, the clicks of the group (or, for
 * groups without clicks of their own such as events, the clicks of the whole range).
 */
export function toReportRows(group: GroupTotals, clickBase: number): ReportRowResponse[] {
  const currencies = [...group.byCurrency.keys()].sort();
  const entries: Array<[string | null, CurrencyTotals]> =
    currencies.length > 0
      ? currencies.map((currency) => [currency, group.byCurrency.get(currency)!])
      : [[null, { conversions: 0, approved: 0, revenue: 0, payout: 0 }]];
  const deliverySuccessRate = formatRatio(group.delivered, group.settled);
  return entries.map(([currency, totals]) => ({
    key: group.key,
    name: group.name,
    currency,
    clicks: group.clicks,
    conversions: totals.conversions,
    approved: totals.approved,
    revenue: formatMoney(totals.revenue),
    payout: formatMoney(totals.payout),
    profit: formatMoney(totals.revenue - totals.payout),
    cr: formatRatio(totals.conversions, clickBase),
    epc: formatMoneyPer(totals.revenue, clickBase),
    deliverySuccessRate,
  }));
}
