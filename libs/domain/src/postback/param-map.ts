import { CANONICAL_PARAMS, type CanonicalParam } from '../model';
import { PostbackConfigError } from './postback-config.error';
import { DEFAULT_IGNORED_PARAMS, parameterNameProblem } from './postback-limits';

/** An advertiser's parameter names per canonical field, as stored (`{ clickId: ['transaction_id'] }`). */
export type ParamMap = Partial<Record<CanonicalParam, readonly string[]>>;

/** What the admin API may receive: a single name is accepted in place of a one-name list. */
export type ParamMapInput = Partial<Record<CanonicalParam, readonly string[] | string>>;

/** Aliases per canonical field when the advertiser's paramMap does not say. */
export const DEFAULT_PARAM_ALIASES: Readonly<Record<CanonicalParam, readonly string[]>> = {
  clickId: ['click_id', 'clickid', 'cid', 'subid', 'sub_id', 'cnv_id'],
  payout: ['payout', 'amount', 'sum', 'revenue', 'rev'],
  txid: ['txid', 'tid', 'transaction_id', 'order_id', 'orderid'],
  status: ['status', 'cnv_status', 'conv_status'],
  event: ['event', 'goal', 'et', 'type'],
  currency: ['currency', 'cur', 'cnv_currency'],
};

/** At most this many names per canonical field. */
const MAX_ALIASES_PER_PARAM = 20;

/** Received parameter names resolved to canonical fields; built once per advertiser. */
export interface ParamAliases {
  /** Lower-cased received name → canonical field. */
  readonly byName: ReadonlyMap<string, CanonicalParam>;
  /** The names each canonical field answers to, in order (the first is quoted in MISSING_CLICK_ID). */
  readonly namesOf: Readonly<Record<CanonicalParam, readonly string[]>>;
}

function fail(param: string, detail: string, hint?: string): never {
  throw new PostbackConfigError('INVALID_PARAM_MAP', param, detail, hint);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function canonicalHint(key: string): string | undefined {
  const folded = key.toLowerCase().replace(/[_-]/g, '');
  const match = CANONICAL_PARAMS.find((c) => c.toLowerCase() === folded);
  if (match) return `did you mean "${match}"?`;
  for (const c of CANONICAL_PARAMS) {
    if (DEFAULT_PARAM_ALIASES[c].includes(key.toLowerCase())) return `did you mean "${c}"?`;
  }
  return undefined;
}

/**
 * Validates and normalises an advertiser's paramMap for the admin API (save time). Keys must be
 * canonical fields (`clickId payout txid status event currency`); each value is a name or a non-empty
 * list of names (1–64 characters, no control characters or spaces, not `token`); repeated names in one
 * list are dropped; one name may not be claimed by two fields (compared case-insensitively, as the
 * intake matches names). `undefined`/`null` mean "defaults only" and give `{}`.
 *
 * @throws PostbackConfigError `INVALID_PARAM_MAP`
 */
export function validateParamMap(input: unknown, field = 'paramMap'): ParamMap {
  if (input === undefined || input === null) return {};
  if (!isPlainObject(input))
    fail(field, `"${field}" must be an object like { "clickId": ["transaction_id"] }`);
  const claimedBy = new Map<string, CanonicalParam>();
  const result: ParamMap = {};
  for (const key of Object.keys(input)) {
    const path = `${field}.${key}`;
    if (!(CANONICAL_PARAMS as readonly string[]).includes(key)) {
      fail(
        path,
        `"${key}" is not a canonical parameter; use one of ${CANONICAL_PARAMS.join(', ')}`,
        canonicalHint(key),
      );
    }
    const canonical = key as CanonicalParam;
    const raw = input[key];
    const list: unknown[] = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
    if (list.length === 0) {
      fail(
        path,
        `"${path}" must be a parameter name or a non-empty list of names`,
        'omit the entry to use the defaults',
      );
    }
    if (list.length > MAX_ALIASES_PER_PARAM)
      fail(path, `"${path}" lists more than ${MAX_ALIASES_PER_PARAM} names`);
    const names: string[] = [];
    for (const name of list) {
      if (typeof name !== 'string') fail(path, `"${path}" must contain only strings`);
      const problem =
        parameterNameProblem(name) ??
        (/\s/.test(name) ? `parameter name "${name}" contains a space` : undefined);
      if (problem) fail(path, `${problem} in "${path}"`);
      const lower = name.toLowerCase();
      if (DEFAULT_IGNORED_PARAMS.includes(lower)) {
        fail(path, `"${name}" is reserved for the postback token and cannot be mapped`);
      }
      const owner = claimedBy.get(lower);
      if (owner && owner !== canonical) {
        fail(
          path,
          `"${name}" is claimed by both ${owner} and ${canonical}`,
          'map each parameter name to one field',
        );
      }
      if (owner) continue;
      claimedBy.set(lower, canonical);
      names.push(name);
    }
    result[canonical] = names;
  }
  return result;
}

/**
 * Resolves which received names feed which canonical field. A paramMap entry REPLACES that field's
 * default aliases, and every name the paramMap claims is removed from the other fields' defaults:
 * mapping Everflow's `{ clickId: ['transaction_id'] }` makes `transaction_id` the click id and stops
 * it from also counting as txid (which keeps `txid`, `tid`, `order_id`, `orderid`). Names match
 * case-insensitively (`CID` = `cid`), because partners' casing varies and no two of our aliases
 * differ only in case.
 *
 * @throws PostbackConfigError `INVALID_PARAM_MAP` for a map {@link validateParamMap} would refuse.
 */
export function compileParamAliases(paramMap?: ParamMapInput): ParamAliases {
  const mapped = validateParamMap(paramMap);
  const claimed = new Set<string>();
  for (const c of CANONICAL_PARAMS) for (const name of mapped[c] ?? []) claimed.add(name.toLowerCase());

  const byName = new Map<string, CanonicalParam>();
  const namesOf = {} as Record<CanonicalParam, readonly string[]>;
  for (const c of CANONICAL_PARAMS) {
    const names = mapped[c] ?? DEFAULT_PARAM_ALIASES[c].filter((name) => !claimed.has(name));
    namesOf[c] = names;
    for (const name of names) byName.set(name.toLowerCase(), c);
  }
  return { byName, namesOf };
}
