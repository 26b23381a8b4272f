import { formatMoneyPer, formatRatio, toReportRows } from './report-row.mapper';

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

  it('merges the aggregations by key, with profit and nulls where there were no clicks', () => {
    const rows = toReportRows({
      clicks: [{ key: 'b', clicks: 4 }],
      conversions: [
        { key: 'b', conversions: 2, approved: 1, revenue: 12_500_000, payout: 10_000_000 },
        { key: 'a', conversions: 1, approved: 0, revenue: 0, payout: 0 },
      ],
      deliveries: [{ key: 'b', delivered: 1, settled: 2 }],
    });
    expect(rows).toEqual([
      {
        key: 'a',
        clicks: 0,
        conversions: 1,
        approved: 0,
        revenue: '0.00',
        payout: '0.00',
        profit: '0.00',
        cr: null,
        epc: null,
        deliverySuccessRate: null,
      },
      {
        key: 'b',
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

  it('gives every event row the total clicks of the range', () => {
    const rows = toReportRows({
      clicks: [{ key: '*', clicks: 10 }],
      conversions: [{ key: 'ftd', conversions: 1, approved: 1, revenue: 5_000_000, payout: 0 }],
      deliveries: [],
      clicksForEveryRow: 10,
    });
    expect(rows.map((row) => [row.key, row.clicks, row.cr])).toEqual([['ftd', 10, '0.1000']]);
  });
});
