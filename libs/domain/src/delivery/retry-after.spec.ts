import { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after';

const NOW = new Date('2026-11-24T12:00:00.000Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });

  it('reads an IMF-fixdate as the time until then', () => {
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:05:00 GMT', NOW)).toBe(300_000);
  });

  it('reads the obsolete RFC 850 and asctime forms, asctime as UTC', () => {
    expect(parseRetryAfter('Tuesday, 24-Nov-26 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Tue Nov 24 12:02:00 2026', NOW)).toBe(120_000);
  });

  it('treats a date in the past as "now"', () => {
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:00 GMT', NOW)).toBe(0);
  });

  it('caps both forms at 24 hours', () => {
    expect(parseRetryAfter('999999', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Fri, 01 Jan 2027 00:00:00 GMT', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(MAX_RETRY_AFTER_MS).toBe(24 * 3600 * 1000);
  });

  it.each([undefined, '', 'soon', '-5', '1.5', '12abc', '2026-11-24', 'Tue, 32 Foo 2026 12:00:00 GMT'])(
    'ignores %p',
    (header) => {
      expect(parseRetryAfter(header, NOW)).toBeUndefined();
    },
  );
});
