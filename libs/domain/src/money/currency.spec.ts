import { CURRENCY_CODES, parseCurrency } from './currency';
import { MoneyError } from './money.error';

describe('parseCurrency', () => {
  it.each([
    ['USD', 'USD'],
    ['usd', 'USD'],
    ['Eur', 'EUR'],
    ['XCG', 'XCG'],
    ['ZWG', 'ZWG'],
  ])('accepts %p as %p', (raw, code) => {
    expect(parseCurrency(raw)).toBe(code);
  });

  it('still accepts a recently withdrawn code partners may send', () => {
    expect(parseCurrency('HRK')).toBe('HRK');
  });

  it.each(['US$', 'RUR', 'BTC', 'XXX', 'XTS', 'XAU', 'USDT', '', ' USD', 'ABC'])('refuses %p', (raw) => {
    expect(() => parseCurrency(raw)).toThrow(MoneyError);
  });

  it('reports INVALID_CURRENCY with the parameter and an example', () => {
    expect(() => parseCurrency('dollars', 'cur')).toThrow(
      'INVALID_CURRENCY: "cur" must be a three-letter ISO 4217 currency code like USD or EUR, got "dollars"',
    );
  });

  it('holds only three-letter upper-case codes', () => {
    for (const code of CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
    expect(CURRENCY_CODES.size).toBeGreaterThan(150);
  });
});
