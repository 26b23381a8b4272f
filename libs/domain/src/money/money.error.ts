/** Stable machine codes of {@link MoneyError}; the gateway maps every one of them to HTTP 400. */
export const MONEY_ERROR_CODES = ['INVALID_PAYOUT', 'INVALID_PERCENT', 'INVALID_CURRENCY'] as const;
export type MoneyErrorCode = (typeof MONEY_ERROR_CODES)[number];

/**
 * An amount, percentage or currency that cannot be taken as exact money. Thrown by the parsers in
 * `money/` for user input (postback parameters, admin payloads); the message starts with the code and
 * names the parameter and the fix: `INVALID_PAYOUT: "payout" must be a decimal number like 12.50, got "12,5"`.
 */
export class MoneyError extends Error {
  override readonly name = 'MoneyError';

  constructor(
    readonly code: MoneyErrorCode,
    /** The parameter or field that carried the bad value (`payout`, `defaultRevenue`, `currency` …). */
    readonly param: string,
    /** What is wrong and how to fix it, without the code prefix. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** True for a MoneyError, also across module copies (checks the stable `name`). */
export function isMoneyError(err: unknown): err is MoneyError {
  return err instanceof MoneyError || (err instanceof Error && err.name === 'MoneyError');
}
