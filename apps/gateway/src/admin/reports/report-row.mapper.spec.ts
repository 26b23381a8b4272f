import type { ReportSlice } from '@ricochet/persistence';
import {
  emptyGroup,
  foldGroups,
  formatMoneyPer,
  formatRatio,
  type GroupTotals,
  toReportRows,
} from './report-row.mapper';

function slice(fields: Partial<ReportSlice> & { key: string | number }): ReportSlice {
  return {
    name: null,
    currency: null,
    clicks: 0,
    conversions: 0,
    approved: 0,
    revenue: 0,
    payout: 0,
    delivered: 0,
    settled: 0,
    ...fields,
  };
}

async function* stream<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('report rows', () => {
  it('renders ratios to four decimals, rounding half up', () => {
    expect(formatRatio(1, 3)).toBe('0.3333');
    expect(formatRatio(2, 3)).toBe('0.6667');
    expect(formatRatio(3, 2)).toBe('1.5000');
    expect(formatRatio(0, 5)).toBe('0.0000');
  });

  it('has no ratio without a denominator', () => {
    expect(formatRatio(3, 0)).toBeNull();
    expect(formatMoneyPer(10_000_000, 0)).toBeNull();
  });

  it('divides money exactly to the micro', () => {
    expect(formatMoneyPer(10_000_000, 3)).toBe('3.333333');
    expect(formatMoneyPer(25_000_000, 4)).toBe('6.25');
  });

  it('folds adjacent slices of one group, keeping currencies apart and summing money exactly', async () => {
    const groups = await collect(
      foldGroups(
        stream([
          slice({ key: 1, clicks: 2 }),
          slice({ key: 2, currency: 'EUR', conversions: 1, approved: 1, revenue: 100_000, payout: 1 }),
          slice({ key: 2, currency: 'USD', conversions: 1, approved: 0 }),
          slice({ key: 3, clicks: 1, delivered: 1, settled: 2 }),
          slice({ key: 3, currency: 'EUR', conversions: 1, approved: 1, revenue: 200_000, payout: 2 }),
          slice({ key: 9, name: 'Other', clicks: 5 }),
        ]),
        (s) => (Number(s.key) < 9 ? 'day-1' : 'day-2'),
        true,
      ),
    );
    expect(groups.map((group) => [group.key, group.clicks, group.delivered, group.settled])).toEqual([
      ['day-1', 3, 1, 2],
      ['day-2', 5, 0, 0],
    ]);
    expect(Object.fromEntries(groups[0].byCurrency)).toEqual({
      EUR: { conversions: 2, approved: 2, revenue: 300_000, payout: 3 },
      USD: { conversions: 1, approved: 0, revenue: 0, payout: 0 },
    });
    expect(groups[1].name).toBe('Other');
  });

  it('gives one row per currency, with the group clicks as every row’s CR and EPC base', () => {
    const group: GroupTotals = {
      ...emptyGroup('b', true),
      name: 'Offer B',
      clicks: 4,
      delivered: 1,
      settled: 2,
      byCurrency: new Map([
        ['USD', { conversions: 2, approved: 1, revenue: 12_500_000, payout: 10_000_000 }],
        ['EUR', { conversions: 1, approved: 1, revenue: 1_000_000, payout: 0 }],
      ]),
    };
    expect(toReportRows(group, 4)).toEqual([
      {
        key: 'b',
        name: 'Offer B',
        currency: 'EUR',
        clicks: 4,
        conversions: 1,
        approved: 1,
        revenue: '1.00',
        payout: '0.00',
        profit: '1.00',
        cr: '0.2500',
        epc: '0.25',
        deliverySuccessRate: '0.5000',
      },
      {
        key: 'b',
        name: 'Offer B',
        currency: 'USD',
        clicks: 4,
        conversions: 2,
        approved: 1,
        revenue: '12.50',
        payout: '10.00',
        profit: '2.50',
        cr: '0.5000',
        epc: '3.125',
        deliverySuccessRate: '0.5000',
      },
    ]);
  });

  it('gives a group without conversions one row without currency, and nulls without clicks', () => {
    expect(toReportRows({ ...emptyGroup('a', true), clicks: 3 }, 3)).toEqual([
      expect.objectContaining({ currency: null, clicks: 3, conversions: 0, revenue: '0.00', cr: '0.0000' }),
    ]);
    expect(toReportRows(emptyGroup('a', true), 0)).toEqual([
      expect.objectContaining({ clicks: 0, cr: null, epc: null, deliverySuccessRate: null }),
    ]);
  });

  it('shows no clicks on event rows but divides by the clicks it is given', () => {
    const event: GroupTotals = {
      ...emptyGroup('ftd', false),
      byCurrency: new Map([['USD', { conversions: 1, approved: 1, revenue: 5_000_000, payout: 0 }]]),
    };
    expect(toReportRows(event, 10).map((row) => [row.key, row.clicks, row.cr, row.epc])).toEqual([
      ['ftd', null, '0.1000', '0.50'],
    ]);
  });
});
