import { csvField, csvFileName, csvHeader, csvRecord, wantsCsv } from './report-csv';

describe('report CSV', () => {
  it('quotes fields as RFC 4180 says, and only when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
    expect(csvRecord(['x', null, 'y,z'])).toBe('x,,"y,z"\r\n');
  });

  it('names the columns like the JSON fields', () => {
    expect(csvHeader()).toBe(
      'key,name,currency,clicks,conversions,approved,revenue,payout,profit,cr,epc,deliverySuccessRate\r\n',
    );
  });

  it('names the file after the range in UTC, without characters file systems refuse', () => {
    expect(csvFileName(new Date('2026-03-27T23:00:00Z'), new Date('2026-03-30T22:00:00Z'))).toBe(
      'ricochet-report-20260327T230000Z-20260330T220000Z.csv',
    );
    expect(csvFileName(undefined, undefined)).toBe('ricochet-report-open-open.csv');
  });

  it('lets format decide, else Accept when it rates CSV above JSON', () => {
    expect(wantsCsv('csv', 'application/json')).toBe(true);
    expect(wantsCsv('json', 'text/csv')).toBe(false);
    expect(wantsCsv(undefined, 'text/csv')).toBe(true);
    expect(wantsCsv(undefined, 'text/csv;q=0.9, application/json')).toBe(false);
    expect(wantsCsv(undefined, 'application/json;q=0.5, text/csv')).toBe(true);
    expect(wantsCsv(undefined, 'text/csv;q=0')).toBe(false);
    expect(wantsCsv(undefined, '*/*')).toBe(false);
    expect(wantsCsv(undefined, undefined)).toBe(false);
  });
});
