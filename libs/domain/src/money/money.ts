import type { Micros } from '../model';
import { MoneyError } from './money.error';

/** 1 unit (dollar, euro …) = 1 000 000 micros. */
export const MICROS_PER_UNIT = 1_000_000;

/** At most 9 integer digits: 999 999 999.999999 is the largest amount one value may carry. */
export const MAX_MONEY_INTEGER_DIGITS = 9;

/**
 * The largest amount {@link parseMoney} accepts, in micros (999 999 999.999999). Twelve integer digits
 * would not fit: micros must stay below `Number.MAX_SAFE_INTEGER` (≈ 9 007 199 254 units), and this
 * limit leaves room to add a few thousand maximal amounts before {@link addMoney} refuses.
 */
export const MAX_MONEY_MICROS = 999_999_999_999_999;

/** 100 % expressed as percent micros (`PayoutRule.percentMicros`). */
export const HUNDRED_PERCENT_MICROS = 100 * MICROS_PER_UNIT;

/** Longer input is refused outright, so scanning stays cheap whatever a partner sends. */
const MAX_DECIMAL_INPUT_LENGTH = 64;

type DecimalProblem = 'empty' | 'spaces' | 'negative' | 'comma' | 'exponent' | 'too-large' | 'format';
type DecimalScan = { micros: Micros } | { problem: DecimalProblem };

const ZERO = 48;
const NINE = 57;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/**
 * Reads a non-negative plain decimal into micros in one pass, without floating point: the integer and
 * the first six fraction digits are exact integers below 2^53, and the seventh digit rounds half-up.
 */
function scanDecimal(raw: string): DecimalScan {
  const n = raw.length;
  if (n === 0) return { problem: 'empty' };
  if (raw.trim() !== raw) return { problem: 'spaces' };
  if (n > MAX_DECIMAL_INPUT_LENGTH) return { problem: 'format' };
  let i = 0;
  if (raw[0] === '-') return { problem: 'negative' };
  if (raw[0] === '+') i = 1;
  const intStart = i;
  while (i < n && isDigit(raw.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (raw[i] === '.') {
    fracStart = ++i;
    while (i < n && isDigit(raw.charCodeAt(i))) i++;
    fracEnd = i;
  }
  if (i !== n) {
    const c = raw[i];
    if (c === ',') return { problem: 'comma' };
    if ((c === 'e' || c === 'E') && i > intStart) return { problem: 'exponent' };
    return { problem: 'format' };
  }
  if (intEnd === intStart && fracEnd === fracStart) return { problem: 'format' };

  let significant = intStart;
  while (significant < intEnd - 1 && raw[significant] === '0') significant++;
  if (intEnd - significant > MAX_MONEY_INTEGER_DIGITS) return { problem: 'too-large' };

  const units = intEnd > intStart ? Number(raw.slice(significant, intEnd)) : 0;
  const fraction = raw.slice(fracStart, fracEnd);
  let micros = units * MICROS_PER_UNIT + Number(fraction.slice(0, 6).padEnd(6, '0'));
  if (fraction.length > 6 && fraction.charCodeAt(6) >= ZERO + 5) micros += 1;
  if (micros > MAX_MONEY_MICROS) return { problem: 'too-large' };
  return { micros };
}

/** Quotes a received value for an error message, cut short so a huge value is never echoed whole. */
export function quoteReceived(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

const MONEY_EXPECTATION: Record<DecimalProblem, string> = {
  empty: 'a decimal number like 12.50',
  spaces: 'a decimal number like 12.50 without spaces',
  negative: 'zero or more (negative amounts are refused; report a chargeback with status=rejected)',
  comma: 'a decimal number with a dot and no thousands separator, like 1234.50',
  exponent: 'a plain decimal number like 12.50, without an exponent',
  'too-large': 'at most 999999999.999999',
  format: 'a decimal number like 12.50',
};

/**
 * Parses a money amount exactly into micros (`"12.5"` → 12 500 000). Never uses `parseFloat`.
 *
 * Accepted: digits with an optional `.` and fraction (`12`, `12.5`, `0.123456`), a bare fraction or
 * a trailing dot (`.5`, `12.`), leading zeros, and one leading `+`. Refused with `INVALID_PAYOUT`: an
 * empty value, surrounding spaces, a sign `-` (negative payouts), a decimal comma or thousands separator
 * (`12,5`), exponents (`1e3`), `NaN`, `Infinity`, hex, and more than {@link MAX_MONEY_INTEGER_DIGITS}
 * integer digits.
 *
 * More than six fraction digits are **rounded half-up** to the micro rather than refused: networks do
 * send values such as `0.1234567` or a float artefact like `0.30000000000000004`, and losing the
 * conversion over a millionth of a unit is worse than rounding it (`0.1234565` → 0.123457).
 *
 * @param param the parameter name quoted in the error (`payout`, `defaultRevenue` …).
 * @throws MoneyError `INVALID_PAYOUT`
 */
export function parseMoney(raw: string, param = 'payout'): Micros {
  const scan = scanDecimal(raw);
  if ('micros' in scan) return scan.micros;
  throw new MoneyError(
    'INVALID_PAYOUT',
    param,
    `"${param}" must be ${MONEY_EXPECTATION[scan.problem]}, got ${quoteReceived(raw)}`,
  );
}

/**
 * Parses an admin's percentage (`"70"`, `"12.5"`, `"12.5%"`) into percent micros (12.5 % → 12 500 000),
 * the unit of `PayoutRule.percentMicros`. Same decimal rules as {@link parseMoney}; the value must lie
 * between 0 and 100 inclusive (a source is never paid more than the revenue by a percent rule; use a
 * fixed rule for that).
 *
 * @throws MoneyError `INVALID_PERCENT`
 */
export function parsePercent(raw: string, param = 'percent'): Micros {
  const digits = raw.endsWith('%') ? raw.slice(0, -1) : raw;
  const scan = scanDecimal(digits);
  if ('micros' in scan && scan.micros <= HUNDRED_PERCENT_MICROS) return scan.micros;
  throw new MoneyError(
    'INVALID_PERCENT',
    param,
    `"${param}" must be a percentage between 0 and 100 like 70 or 12.5, got ${quoteReceived(raw)}`,
  );
}

function assertMicros(m: Micros, fn: string): void {
  if (!Number.isSafeInteger(m)) throw new RangeError(`${fn} expects integer micros, got ${m}`);
}

/**
 * Renders micros exactly with at least two decimals and no trailing zeros beyond them:
 * 12 500 000 → `"12.50"`, 123 456 → `"0.123456"`, 0 → `"0.00"`, -1 500 000 → `"-1.50"` (report
 * profits can be negative). Throws RangeError for a non-integer, which is a programming error.
 */
export function formatMoney(m: Micros): string {
  assertMicros(m, 'formatMoney');
  const abs = Math.abs(m);
  const fraction = abs % MICROS_PER_UNIT;
  const units = (abs - fraction) / MICROS_PER_UNIT;
  let digits = String(fraction).padStart(6, '0');
  let end = 6;
  while (end > 2 && digits.charCodeAt(end - 1) === ZERO) end--;
  digits = digits.slice(0, end);
  return `${m < 0 ? '-' : ''}${units}.${digits}`;
}

/** Exact sum of micro amounts; RangeError if an operand or the sum leaves the safe-integer range. */
export function addMoney(...amounts: Micros[]): Micros {
  let sum = 0;
  for (const m of amounts) {
    assertMicros(m, 'addMoney');
    sum += m;
  }
  if (!Number.isSafeInteger(sum)) throw new RangeError('addMoney: sum exceeds the safe integer range');
  return sum;
}

/**
 * `percentMicros` percent of `m`, rounded half-up (half away from zero for negatives) to the micro,
 * computed with BigInt so no intermediate product loses precision: 33.333333 % of 10.00 → 3.333333.
 */
export function percentOf(m: Micros, percentMicros: Micros): Micros {
  assertMicros(m, 'percentOf');
  assertMicros(percentMicros, 'percentOf');
  const product = BigInt(m) * BigInt(percentMicros);
  const divisor = BigInt(HUNDRED_PERCENT_MICROS);
  const magnitude = ((product < 0n ? -product : product) * 2n + divisor) / (2n * divisor);
  const result = Number(product < 0n ? -magnitude : magnitude);
  if (!Number.isSafeInteger(result)) throw new RangeError('percentOf: result exceeds the safe integer range');
  return result;
}
