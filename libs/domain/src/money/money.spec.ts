import { addMoney, formatMoney, MAX_MONEY_MICROS, parseMoney, parsePercent, percentOf } from './money';
import { MoneyError } from './money.error';

function moneyErrorOf(fn: () => unknown): MoneyError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MoneyError) return err;
    throw err;
  }
  throw new Error('expected a MoneyError');
}

describe('parseMoney', () => {
  it.each([
    ['12', 12_000_000],
    ['12.5', 12_500_000],
    ['12.50', 12_500_000],
    ['0.123456', 123_456],
    ['0', 0],
    ['0.00', 0],
    ['.5', 500_000],
    ['12.', 12_000_000],
    ['+7.25', 7_250_000],
    ['007.10', 7_100_000],
    ['999999999.999999', MAX_MONEY_MICROS],
    ['0000000000001', 1_000_000],
  ])('reads %p as %p micros', (raw, micros) => {
    expect(parseMoney(raw)).toBe(micros);
  });

  it.each([
    ['0.1234565', 123_457],
    ['0.1234564999', 123_456],
    ['0.30000000000000004', 300_000],
    ['1.9999995', 2_000_000],
    ['0.0000005', 1],
  ])('rounds %p half-up to %p micros', (raw, micros) => {
    expect(parseMoney(raw)).toBe(micros);
  });

  it.each([
    '12,5',
    '1,000.50',
    '1e3',
    '1e309',
    'NaN',
    'Infinity',
    '-1',
    '-0',
    '',
    ' 12',
    '12 ',
    '0x1A',
    '.',
    '+',
    '1.2.3',
    '1000000000',
    '999999999.9999995',
    '１２',
  ])('refuses %p with INVALID_PAYOUT', (raw) => {
    const err = moneyErrorOf(() => parseMoney(raw));
    expect(err.code).toBe('INVALID_PAYOUT');
    expect(err.param).toBe('payout');
  });

  it('names the parameter and the fix in the message', () => {
    expect(() => parseMoney('12,5')).toThrow(
      'INVALID_PAYOUT: "payout" must be a decimal number with a dot and no thousands separator, like 1234.50, got "12,5"',
    );
  });

  it('tells a negative amount apart from a malformed one', () => {
    expect(moneyErrorOf(() => parseMoney('-3')).message).toContain('negative amounts are refused');
  });

  it('quotes the caller’s parameter name', () => {
    const err = moneyErrorOf(() => parseMoney('abc', 'defaultRevenue'));
    expect(err.param).toBe('defaultRevenue');
    expect(err.message).toContain('"defaultRevenue"');
  });

  it('never echoes a huge value whole', () => {
    const err = moneyErrorOf(() => parseMoney('9'.repeat(2000)));
    expect(err.message.length).toBeLessThan(200);
  });
});

describe('formatMoney', () => {
  it.each([
    [12_500_000, '12.50'],
    [123_456, '0.123456'],
    [0, '0.00'],
    [1, '0.000001'],
    [100_000_000, '100.00'],
    [1_230_000, '1.23'],
    [1_234_500, '1.2345'],
    [-1_500_000, '-1.50'],
    [MAX_MONEY_MICROS, '999999999.999999'],
    [Number.MAX_SAFE_INTEGER, '9007199254.740991'],
  ])('renders %p micros as %p', (micros, text) => {
    expect(formatMoney(micros)).toBe(text);
  });

  it('renders 0.1 + 0.2 as 0.30 without float artefacts', () => {
    expect(formatMoney(addMoney(parseMoney('0.1'), parseMoney('0.2')))).toBe('0.30');
  });

  it('round-trips every parsed amount', () => {
    for (const raw of ['12.50', '0.123456', '0.00', '999999999.999999', '3.14']) {
      expect(formatMoney(parseMoney(raw))).toBe(raw);
    }
  });

  it('refuses a fractional micro amount as a programming error', () => {
    expect(() => formatMoney(1.5)).toThrow(RangeError);
  });
});

describe('addMoney', () => {
  it('sums any number of amounts exactly', () => {
    expect(addMoney(100_000, 200_000, 300_000)).toBe(600_000);
    expect(addMoney()).toBe(0);
  });

  it('refuses a sum beyond the safe integer range', () => {
    expect(() => addMoney(Number.MAX_SAFE_INTEGER, 1)).toThrow(RangeError);
  });
});

describe('percentOf', () => {
  it('takes 70 % of 12.50 as 8.75', () => {
    expect(percentOf(12_500_000, 70_000_000)).toBe(8_750_000);
  });

  it('rounds half-up to the micro', () => {
    expect(percentOf(1, 50_000_000)).toBe(1);
    expect(percentOf(1, 49_999_999)).toBe(0);
    expect(percentOf(10_000_000, 33_333_333)).toBe(3_333_333);
  });

  it('rounds negative amounts half away from zero', () => {
    expect(percentOf(-1, 50_000_000)).toBe(-1);
  });

  it('keeps exact results for the largest amounts', () => {
    expect(percentOf(MAX_MONEY_MICROS, 100_000_000)).toBe(MAX_MONEY_MICROS);
    // A float product would round this one to ...178.
    expect(percentOf(929_140_452_949_564, 76_004_572)).toBe(706_189_224_543_177);
  });
});

describe('parsePercent', () => {
  it.each([
    ['70', 70_000_000],
    ['12.5', 12_500_000],
    ['12.5%', 12_500_000],
    ['0', 0],
    ['100', 100_000_000],
  ])('reads %p as %p percent micros', (raw, micros) => {
    expect(parsePercent(raw)).toBe(micros);
  });

  it.each(['100.01', '-5', '12,5', '', '%', 'abc'])('refuses %p with INVALID_PERCENT', (raw) => {
    const err = moneyErrorOf(() => parsePercent(raw, 'payoutPercent'));
    expect(err.code).toBe('INVALID_PERCENT');
    expect(err.message).toContain('"payoutPercent"');
  });
});
