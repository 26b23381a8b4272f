import { truncateUtf8 } from './delivery-attempt.repository';

describe('truncateUtf8', () => {
  it('keeps text that fits', () => {
    expect(truncateUtf8('OK', 2048)).toBe('OK');
  });

  it('cuts at the byte limit on a character boundary', () => {
    expect(truncateUtf8('abcdef', 4)).toBe('abcd');
    expect(truncateUtf8('a€€', 5)).toBe('a€');
    expect(truncateUtf8('a€€', 6)).toBe('a€');
    expect(truncateUtf8('😀😀', 7)).toBe('😀');
  });
});
