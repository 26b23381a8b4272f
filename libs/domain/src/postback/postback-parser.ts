import { DEFAULT_EVENT, type CanonicalParam, type ConversionStatus, type Micros } from '../model';
import { parseCurrency } from '../money/currency';
import { parseMoney, quoteReceived } from '../money/money';
import { isMoneyError } from '../money/money.error';
import { compileParamAliases, type ParamAliases, type ParamMapInput } from './param-map';
import { PostbackParamError } from './postback-param.error';
import {
  DEFAULT_IGNORED_PARAMS,
  hasControlChars,
  parameterNameProblem,
  POSTBACK_LIMITS,
} from './postback-limits';
import { compileStatusLookup, type StatusLookup } from './status-map';

/**
 * Received parameters: a query string, a form body, or a JSON body the gateway flattened to strings.
 * A repeated name arrives as an array.
 */
export type PostbackInput = Readonly<Record<string, string | readonly string[] | undefined>>;

/** An advertiser's intake settings. */
export interface PostbackConfig {
  paramMap?: ParamMapInput;
  statusMap?: Record<string, ConversionStatus>;
  /** Names dropped before anything else (default `['token']`), compared case-insensitively. */
  ignoredParams?: readonly string[];
}

/** An advertiser's intake settings compiled for the hot path; cache one per advertiser. */
export interface PostbackRules {
  readonly aliases: ParamAliases;
  readonly statuses: StatusLookup;
  readonly ignored: ReadonlySet<string>;
}

/** A postback after alias resolution and validation. */
export interface ParsedPostback {
  clickId: string;
  payout?: Micros;
  txid?: string;
  status: ConversionStatus;
  /** The status word as received (`sale`, `5`), when one was sent. */
  rawStatus?: string;
  /** Lower-cased event name; `conversion` when none was sent. */
  event: string;
  /** Upper-cased ISO 4217 code, when one was sent. */
  currency?: string;
  /**
   * Every received parameter except the ignored ones (`token`), under the name it was sent with,
   * aliased ones included: templates read them as `{postback.NAME}`.
   */
  params: Record<string, string>;
}

/**
 * Compiles an advertiser's paramMap and statusMap once (validating them again), so each postback is
 * parsed with map lookups only.
 *
 * @throws PostbackConfigError for a map the admin API would have refused.
 */
export function compilePostbackRules(config: PostbackConfig = {}): PostbackRules {
  return {
    aliases: compileParamAliases(config.paramMap),
    statuses: compileStatusLookup(config.statusMap),
    ignored: new Set((config.ignoredParams ?? DEFAULT_IGNORED_PARAMS).map((n) => n.toLowerCase())),
  };
}

/** The rules of an advertiser without a paramMap or statusMap. */
export const DEFAULT_POSTBACK_RULES: PostbackRules = compilePostbackRules();

const CANONICAL_LABEL: Record<CanonicalParam, string> = {
  clickId: 'the click id',
  payout: 'the payout',
  txid: 'the transaction id',
  status: 'the status',
  event: 'the event',
  currency: 'the currency',
};

interface Slot {
  name: string;
  value: string;
}

function isEventChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || // 0-9
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    c === 0x5f || // _
    c === 0x2e || // .
    c === 0x3a || // :
    c === 0x2d // -
  );
}

/**
 * A click id that is a placeholder nobody filled in rather than an id: any value holding a template
 * delimiter — `{ } [ ] < > $` (`{clickid}`, `${SUBID}`, `[clickid]`, `<clickid>`, `{}`, `{`, `$`) — a
 * `#…#` or `%…%` pair (`#s2#`, `%subid%`), or no letter or digit at all (`-`, `%%`, `..`). Real click
 * ids (ours are base64url, partners' are hex, UUIDs, gclid-style `A-Za-z0-9._~-`) never look like that.
 */
export function looksLikePlaceholder(value: string): boolean {
  let alphanumeric = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (PLACEHOLDER_CHARS.has(c)) return true;
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c > 0x7f) {
      alphanumeric = true;
    }
  }
  const first = value[0];
  const last = value[value.length - 1];
  const paired = value.length >= 3 && first === last && (first === '#' || first === '%');
  return paired || !alphanumeric;
}

const PLACEHOLDER_CHARS: ReadonlySet<number> = new Set([...'{}[]<>$'].map((c) => c.charCodeAt(0)));

/** One value per name: identical repeats collapse, different repeats are ambiguous. */
function singleValue(name: string, raw: string | readonly string[]): string {
  if (typeof raw === 'string') return raw;
  const first = raw.length > 0 ? raw[0] : '';
  for (const v of raw) {
    if (v !== first) {
      throw new PostbackParamError(
        'DUPLICATE_PARAMETER',
        name,
        `"${name}" was sent ${raw.length} times with different values; send it once`,
      );
    }
  }
  return first;
}

/**
 * Parses one postback in a single pass over its parameters, with no regular expressions.
 *
 * - Names resolve to canonical fields through the advertiser's aliases, case-insensitively; see
 *   {@link compileParamAliases}. Every parameter is also kept as received in `params`.
 * - An empty value counts as absent (networks send `payout=` when their macro is empty); an empty or
 *   missing click id is `MISSING_CLICK_ID`. Missing status = approved, missing event = `conversion`.
 * - A name repeated with the same value collapses to one value (a template pasted twice); repeated
 *   with different values, or two aliases of one field with different non-empty values, it is
 *   `DUPLICATE_PARAMETER`.
 * - Status words match the advertiser's statusMap, then the defaults, trimmed and case-insensitively.
 * - The event is lower-cased (`FTD` and `ftd` are one event), 1–64 characters of `A-Z a-z 0-9 _ . : -`.
 *
 * @throws PostbackParamError naming the parameter as it was sent.
 */
export function parsePostback(
  input: PostbackInput,
  rules: PostbackRules = DEFAULT_POSTBACK_RULES,
): ParsedPostback {
  const names = Object.keys(input);
  if (names.length > POSTBACK_LIMITS.maxParameters) throw tooMany(names.length);

  const params: Record<string, string> = {};
  const slots: Partial<Record<CanonicalParam, Slot>> = {};
  let count = 0;
  for (const name of names) {
    const raw = input[name];
    if (raw === undefined) continue;
    count += typeof raw === 'string' ? 1 : Math.max(raw.length, 1);
    if (count > POSTBACK_LIMITS.maxParameters) throw tooMany(count);
    const nameProblem = parameterNameProblem(name);
    if (nameProblem)
      throw new PostbackParamError('INVALID_PARAMETER_NAME', name, `${nameProblem}; rename it`);
    const value = singleValue(name, raw);
    if (value.length > POSTBACK_LIMITS.maxValueLength) {
      throw new PostbackParamError(
        'PARAMETER_TOO_LONG',
        name,
        `"${name}" is ${value.length} characters long; values may be at most ${POSTBACK_LIMITS.maxValueLength}`,
      );
    }
    const lower = name.toLowerCase();
    if (rules.ignored.has(lower)) continue;
    params[name] = value;

    const canonical = rules.aliases.byName.get(lower);
    if (canonical === undefined) continue;
    const slot = slots[canonical];
    if (slot === undefined || slot.value === '') {
      slots[canonical] = { name, value };
    } else if (value !== '' && value !== slot.value) {
      throw new PostbackParamError(
        'DUPLICATE_PARAMETER',
        name,
        `"${slot.name}" and "${name}" both carry ${CANONICAL_LABEL[canonical]} with different values ` +
          `(${quoteReceived(slot.value)}, ${quoteReceived(value)}); send only one of them`,
      );
    }
  }

  const parsed: ParsedPostback = {
    clickId: readClickId(slots.clickId, rules),
    status: 'approved',
    event: DEFAULT_EVENT,
    params,
  };
  if (slots.payout?.value) parsed.payout = readPayout(slots.payout);
  if (slots.txid?.value) parsed.txid = readTxid(slots.txid);
  if (slots.status?.value) {
    parsed.rawStatus = slots.status.value;
    parsed.status = readStatus(slots.status, rules.statuses);
  }
  if (slots.event?.value) parsed.event = readEvent(slots.event);
  if (slots.currency?.value) parsed.currency = readCurrency(slots.currency);
  return parsed;
}

function tooMany(count: number): PostbackParamError {
  return new PostbackParamError(
    'TOO_MANY_PARAMETERS',
    undefined,
    `the postback has ${count} parameters; at most ${POSTBACK_LIMITS.maxParameters} are accepted`,
  );
}

function readClickId(slot: Slot | undefined, rules: PostbackRules): string {
  if (!slot?.value) {
    const [primary, ...others] = rules.aliases.namesOf.clickId;
    const name = slot?.name ?? primary ?? 'click_id';
    const also = others.length > 0 ? ` (or one of ${others.join(', ')})` : '';
    throw new PostbackParamError(
      'MISSING_CLICK_ID',
      name,
      `the click id is missing or empty; send it as "${primary ?? name}"${also}`,
    );
  }
  const { name, value } = slot;
  if (value.length > POSTBACK_LIMITS.maxClickIdLength || hasControlChars(value)) {
    throw new PostbackParamError(
      'INVALID_CLICK_ID',
      name,
      `"${name}" must be a click id of at most ${POSTBACK_LIMITS.maxClickIdLength} printable characters, got ${quoteReceived(value)}`,
    );
  }
  if (looksLikePlaceholder(value)) {
    throw new PostbackParamError(
      'INVALID_CLICK_ID',
      name,
      `"${name}" is ${quoteReceived(value)}, which looks like a macro placeholder the sender did not ` +
        `fill in, not a click id; fix the macro in the advertiser's postback URL`,
    );
  }
  return value;
}

function readPayout({ name, value }: Slot): Micros {
  try {
    return parseMoney(value, name);
  } catch (err) {
    if (isMoneyError(err)) throw new PostbackParamError('INVALID_PAYOUT', name, err.detail);
    throw err;
  }
}

function readCurrency({ name, value }: Slot): string {
  try {
    return parseCurrency(value, name);
  } catch (err) {
    if (isMoneyError(err)) throw new PostbackParamError('INVALID_CURRENCY', name, err.detail);
    throw err;
  }
}

function readTxid({ name, value }: Slot): string {
  if (value.length > POSTBACK_LIMITS.maxTxidLength || hasControlChars(value)) {
    throw new PostbackParamError(
      'INVALID_TXID',
      name,
      `"${name}" must be a transaction id of at most ${POSTBACK_LIMITS.maxTxidLength} printable characters, got ${quoteReceived(value)}`,
    );
  }
  return value;
}

/** How many accepted words the UNKNOWN_STATUS message lists before "…". */
const LISTED_STATUS_WORDS = 40;

function readStatus({ name, value }: Slot, statuses: StatusLookup): ConversionStatus {
  const status = statuses.byWord.get(value.trim().toLowerCase());
  if (status) return status;
  const words = statuses.accepted.slice(0, LISTED_STATUS_WORDS).join(', ');
  const more = statuses.accepted.length > LISTED_STATUS_WORDS ? ', …' : '';
  throw new PostbackParamError(
    'UNKNOWN_STATUS',
    name,
    `"${name}" must be one of ${words}${more}, got ${quoteReceived(value)}; ` +
      `add it to the advertiser's statusMap to accept it`,
  );
}

function readEvent({ name, value }: Slot): string {
  let valid = value.length <= POSTBACK_LIMITS.maxEventLength;
  for (let i = 0; valid && i < value.length; i++) valid = isEventChar(value.charCodeAt(i));
  if (!valid) {
    throw new PostbackParamError(
      'INVALID_EVENT',
      name,
      `"${name}" must be an event name of at most ${POSTBACK_LIMITS.maxEventLength} characters from ` +
        `A-Z a-z 0-9 _ . : - like ftd or deposit, got ${quoteReceived(value)}`,
    );
  }
  return value.toLowerCase();
}
