import { isMoneyError, MoneyError } from './money.error';

describe('MoneyError', () => {
  it('carries a stable name, code, parameter and a message that starts with the code', () => {
    const err = new MoneyError('INVALID_PAYOUT', 'payout', '"payout" must be a decimal number');
    expect(err.name).toBe('MoneyError');
    expect(err.code).toBe('INVALID_PAYOUT');
    expect(err.param).toBe('payout');
    expect(err.message).toBe('INVALID_PAYOUT: "payout" must be a decimal number');
  });

  it('is recognised by name across module copies', () => {
    const foreign = Object.assign(new Error('x'), { name: 'MoneyError' });
    expect(isMoneyError(foreign)).toBe(true);
    expect(isMoneyError(new Error('x'))).toBe(false);
  });
});
