import { MoneyError } from './money.error';
import { quoteReceived } from './money';

/**
 * ISO 4217 list A.1 alphabetic codes of current currencies and funds (as of 2026), without the codes
 * that are not money a network pays in: precious metals (XAU XAG XPD XPT), bond-market and
 * IMF/ADB units (XBA–XBD, XDR, XSU, XUA), the testing code XTS and "no currency" XXX.
 */
const ACTIVE_CODES =
  'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
  'CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP ' +
  'GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR ' +
  'KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN ' +
  'MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD ' +
  'SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX ' +
  'USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG';

/**
 * Codes withdrawn since 2023 that partners' systems may still send for a while (Croatian kuna →
 * EUR, Sierra Leone leone SLL → SLE, Zimbabwe ZWL → ZWG, Netherlands Antillean guilder → XCG,
 * Bulgarian lev → EUR). Refusing them would lose the conversion over a label, so they stay accepted.
 */
const RECENTLY_WITHDRAWN_CODES = 'ANG BGN HRK SLL ZWL';

/** Every currency code {@link parseCurrency} accepts. */
export const CURRENCY_CODES: ReadonlySet<string> = new Set(
  `${ACTIVE_CODES} ${RECENTLY_WITHDRAWN_CODES}`.split(' '),
);

/** True when `code` (already upper case) is an accepted ISO 4217 code. */
export function isCurrencyCode(code: string): boolean {
  return CURRENCY_CODES.has(code);
}

/**
 * Reads an ISO 4217 currency code case-insensitively and returns it upper-cased (`usd` → `USD`).
 * Refuses anything that is not a current (or recently withdrawn) code, such as `US$`, `RUR`, `BTC`
 * or `XXX`, with `INVALID_CURRENCY`.
 *
 * @throws MoneyError `INVALID_CURRENCY`
 */
export function parseCurrency(raw: string, param = 'currency'): string {
  const code = raw.length === 3 ? raw.toUpperCase() : '';
  if (CURRENCY_CODES.has(code)) return code;
  throw new MoneyError(
    'INVALID_CURRENCY',
    param,
    `"${param}" must be a three-letter ISO 4217 currency code like USD or EUR, got ${quoteReceived(raw)}`,
  );
}
