export * from './money.error';
export {
  MICROS_PER_UNIT,
  MAX_MONEY_INTEGER_DIGITS,
  MAX_MONEY_MICROS,
  HUNDRED_PERCENT_MICROS,
  parseMoney,
  parsePercent,
  formatMoney,
  addMoney,
  percentOf,
} from './money';
export * from './payout-rule';
export * from './currency';
