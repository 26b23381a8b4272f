import { SUB_KEYS } from '../model';
/** `{sub1}` … `{sub10}`: the click's free sub-id slots. */
export const SUB_MACROS = SUB_KEYS;

/** Macros known at click time: the only ones an offer URL may use. */
export const OFFER_URL_MACROS = ['click_id', 'ext_click_id', 'offer_id', 'source_id', ...SUB_MACROS] as const;

/**
 * Every named macro a forward template (URL, JSON or form body, header) may use, besides
 * `{postback.NAME}` for any parameter the advertiser sent. `{timestamp}` is unix seconds, `{iso_time}`
 * ISO 8601 UTC, `{payout}` the source's payout and `{revenue}` the advertiser's, both as exact
 * decimals with at least two places (`12.50`).
 */
export const FORWARD_MACROS = [
  ...OFFER_URL_MACROS,
  'payout',
  'revenue',
  'currency',
  'status',
  'event',
  'txid',
  'conversion_id',
  'timestamp',
  'iso_time',
  'country',
] as const;

export type OfferUrlMacro = (typeof OFFER_URL_MACROS)[number];
export type MacroName = (typeof FORWARD_MACROS)[number];

/** Macros whose values are numbers: a JSON body may place them outside quotes (`{"amount": {payout}}`). */
export const NUMERIC_MACROS: ReadonlySet<string> = new Set<MacroName>(['payout', 'revenue', 'timestamp']);

/** `{postback.NAME}` reads the advertiser's parameter NAME (`[A-Za-z0-9_.-]{1,64}`). */
export const POSTBACK_MACRO_PREFIX = 'postback.';

/**
 * The values a template is rendered with: one string per named macro (money already formatted by
 * `formatMoney`) and the postback's received parameters. A missing value renders as empty text.
 */
export type MacroValues = Partial<Record<MacroName, string>> & {
  postback?: Readonly<Record<string, string>>;
};

/**
 * Realistic values for previews and for compile-time validation: every named macro is set, and the
 * postback carries a few typical parameters.
 */
export function sampleMacroValues(): MacroValues {
  const values: MacroValues = {
    click_id: 'c7Hq2LmN0pRs4TuV6wXy8z',
    ext_click_id: 'ext-5f3a9c21',
    offer_id: '665f1c2e8b3d4a0012345678',
    source_id: '665f1c2e8b3d4a0087654321',
    payout: '8.75',
    revenue: '12.50',
    currency: 'USD',
    status: 'approved',
    event: 'conversion',
    txid: 'TX-1001',
    conversion_id: '665f1c2e8b3d4a00abcdef01',
    timestamp: '1767225600',
    iso_time: '2026-01-01T00:00:00.000Z',
    country: 'US',
    postback: { adv_sub1: 'adv-sample', goal: 'sale' },
  };
  for (const sub of SUB_MACROS) values[sub] = `${sub}-sample`;
  return values;
}

/** Where a template is used; decides its macros, its encoding and what it must render to. */
export const TEMPLATE_KINDS = ['offer-url', 'forward-url', 'json-body', 'form-body', 'header'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** The named macros a template of `kind` may use (offer URLs: the click-side subset). */
export function allowedMacros(kind: TemplateKind): readonly string[] {
  return kind === 'offer-url' ? OFFER_URL_MACROS : FORWARD_MACROS;
}
