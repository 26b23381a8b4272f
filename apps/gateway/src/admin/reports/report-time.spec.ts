import { formatOffset, parseRangeBound, resolveTimeZone, SlotLabeller, ZoneClock } from './report-time';

const hours = (from: Date | undefined, to: Date | undefined): number =>
  (to!.getTime() - from!.getTime()) / 3_600_000;

describe('report time zones', () => {
  it('accepts IANA zone names only, in the runtime’s spelling', () => {
    expect(resolveTimeZone('UTC')).toBe('UTC');
    expect(resolveTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(resolveTimeZone('America/New_York')).toBe('America/New_York');
    expect(resolveTimeZone('Mars/Olympus')).toBeUndefined();
    expect(resolveTimeZone('+01:00')).toBeUndefined();
    expect(resolveTimeZone('')).toBeUndefined();
  });

  it('reads a bare date as the local midnight that starts it: 23- and 25-hour days included', () => {
    const berlin = (value: string): Date | undefined => parseRangeBound(value, 'Europe/Berlin');
    expect(berlin('2026-03-29')?.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(hours(berlin('2026-03-29'), berlin('2026-03-30'))).toBe(23);
    expect(hours(berlin('2026-10-25'), berlin('2026-10-26'))).toBe(25);
    const newYork = (value: string): Date | undefined => parseRangeBound(value, 'America/New_York');
    expect(hours(newYork('2026-03-08'), newYork('2026-03-09'))).toBe(23);
    expect(hours(newYork('2026-11-01'), newYork('2026-11-02'))).toBe(25);
    expect(parseRangeBound('2026-03-29', 'UTC')?.toISOString()).toBe('2026-03-29T00:00:00.000Z');
  });

  it('reads skipped wall-clock times forward and repeated ones as the earlier instant', () => {
    expect(parseRangeBound('2026-03-29T02:30', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    expect(parseRangeBound('2026-10-25T02:30', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('takes a given offset as is, whatever the zone', () => {
    expect(parseRangeBound('2026-03-29T10:00:00Z', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-03-29T10:00:00.000Z',
    );
    expect(parseRangeBound('2026-03-29T10:00:00.250+05:45', 'UTC')?.toISOString()).toBe(
      '2026-03-29T04:15:00.250Z',
    );
  });

  it('reads a basic-format offset, and a space where a query string turned + into one', () => {
    for (const value of ['2026-03-29T00:00:00+0100', '2026-03-29T00:00:00 01:00']) {
      expect(parseRangeBound(value, 'UTC')?.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    }
  });

  it('refuses dates and times that do not exist on any calendar', () => {
    for (const value of [
      '2026-02-30',
      '2026-13-01',
      '2026-03-29T24:00',
      '2026-03-29T10:60',
      '29.03.2026',
      '2026-03-29T00:00+24:00',
    ]) {
      expect(parseRangeBound(value, 'UTC')).toBeUndefined();
    }
  });

  it('labels hours with the offset in force, telling the two 02:00 hours of a fall-back night apart', () => {
    const clock = new ZoneClock('Europe/Berlin');
    expect(clock.hour(Date.parse('2026-10-25T00:30:00Z'))).toBe('2026-10-25T02:00:00+02:00');
    expect(clock.hour(Date.parse('2026-10-25T01:30:00Z'))).toBe('2026-10-25T02:00:00+01:00');
    expect(clock.hour(Date.parse('2026-03-29T00:59:59Z'))).toBe('2026-03-29T01:00:00+01:00');
    expect(clock.hour(Date.parse('2026-03-29T01:00:00Z'))).toBe('2026-03-29T03:00:00+02:00');
    expect(new ZoneClock('Asia/Kathmandu').hour(Date.parse('2026-01-01T00:00:00Z'))).toBe(
      '2026-01-01T05:00:00+05:45',
    );
    expect(clock.day(Date.parse('2026-03-29T22:00:00Z'))).toBe('2026-03-30');
  });

  it('formats offsets as ±hh:mm', () => {
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(-240)).toBe('-04:00');
    expect(formatOffset(345)).toBe('+05:45');
    expect(formatOffset(-44.5)).toBe('-00:44:30');
  });

  it('refuses a quarter-hour slot that straddles two local hours rather than misfiling it', () => {
    // Monrovia kept UTC−0:44:30 until 1972: its hours started at hh:44:30 UTC.
    const labeller = new SlotLabeller('Africa/Monrovia', 'hour');
    expect(labeller.label(Date.parse('1960-01-01T00:00:00Z'))).toBe('1959-12-31T23:00:00-00:44:30');
    expect(() => labeller.label(Date.parse('1960-01-01T00:30:00Z'))).toThrow(/quarter hour/);
    expect(new SlotLabeller('Europe/Berlin', 'day').label(Date.parse('2026-03-29T21:45:00Z'))).toBe(
      '2026-03-29',
    );
  });
});
