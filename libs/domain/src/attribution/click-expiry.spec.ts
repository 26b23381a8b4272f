import { isClickExpired } from './click-expiry';

const click = new Date('2026-01-01T00:00:00Z');
const days = (n: number): Date => new Date(click.getTime() + n * 86_400_000);

describe('isClickExpired', () => {
  it('keeps a click inside its window', () => {
    expect(isClickExpired(click, days(29), 30)).toBe(false);
  });

  it('still counts a postback exactly at the end of the window', () => {
    expect(isClickExpired(click, days(30), 30)).toBe(false);
  });

  it('expires a click one millisecond after the window', () => {
    expect(isClickExpired(click, new Date(days(30).getTime() + 1), 30)).toBe(true);
  });

  it('never expires a click for a postback stamped before it', () => {
    expect(isClickExpired(click, days(-1), 1)).toBe(false);
  });

  it('supports fractional windows', () => {
    expect(isClickExpired(click, days(0.75), 0.5)).toBe(true);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a window of %p days', (window) => {
    expect(() => isClickExpired(click, days(1), window)).toThrow(RangeError);
  });
});
