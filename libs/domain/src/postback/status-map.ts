import { CONVERSION_STATUSES, type ConversionStatus } from '../model';
import { PostbackConfigError } from './postback-config.error';

/** Status words understood without any configuration; keys are lower case. */
export const DEFAULT_STATUS_MAP: Readonly<Record<string, ConversionStatus>> = {
  approved: 'approved',
  approve: 'approved',
  sale: 'approved',
  confirmed: 'approved',
  '1': 'approved',
  pending: 'pending',
  hold: 'pending',
  lead: 'pending',
  '2': 'pending',
  rejected: 'rejected',
  declined: 'rejected',
  decline: 'rejected',
  reject: 'rejected',
  chargeback: 'rejected',
  '3': 'rejected',
};

/** At most this many entries in one advertiser's statusMap. */
const MAX_STATUS_MAP_ENTRIES = 100;
const MAX_STATUS_KEY_LENGTH = 64;

function fail(param: string, detail: string, hint?: string): never {
  throw new PostbackConfigError('INVALID_STATUS_MAP', param, detail, hint);
}

/**
 * Validates and normalises an advertiser's statusMap for the admin API (save time): an object of
 * received status word → `pending | approved | rejected` (e.g. Affise `{ "5": "pending" }`, Keitaro
 * `{ "reg": "pending", "billed": "approved" }`). Keys are trimmed and lower-cased (the intake matches
 * case-insensitively), 1–64 characters; values are one of the three statuses in any case. Two keys
 * that differ only in case must agree. `undefined`/`null` give `{}`.
 *
 * @throws PostbackConfigError `INVALID_STATUS_MAP`
 */
export function validateStatusMap(input: unknown, field = 'statusMap'): Record<string, ConversionStatus> {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    fail(field, `"${field}" must be an object like { "5": "pending", "sale": "approved" }`);
  }
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > MAX_STATUS_MAP_ENTRIES)
    fail(field, `"${field}" has more than ${MAX_STATUS_MAP_ENTRIES} entries`);
  const result = new Map<string, ConversionStatus>();
  for (const [rawKey, rawValue] of entries) {
    const path = `${field}.${rawKey}`;
    const key = rawKey.trim().toLowerCase();
    if (key.length === 0 || key.length > MAX_STATUS_KEY_LENGTH || key === '__proto__') {
      fail(
        path,
        `status words in "${field}" must be 1 to ${MAX_STATUS_KEY_LENGTH} characters, got ${JSON.stringify(rawKey)}`,
      );
    }
    const value = typeof rawValue === 'string' ? rawValue.toLowerCase() : '';
    if (!(CONVERSION_STATUSES as readonly string[]).includes(value)) {
      fail(
        path,
        `"${path}" must be one of ${CONVERSION_STATUSES.join(', ')}, got ${JSON.stringify(rawValue)}`,
      );
    }
    const status = value as ConversionStatus;
    const earlier = result.get(key);
    if (earlier && earlier !== status) {
      fail(
        path,
        `"${key}" is mapped to both ${earlier} and ${status}`,
        'status words match case-insensitively',
      );
    }
    result.set(key, status);
  }
  return Object.fromEntries(result);
}

/** Received status word (lower case) → status; the advertiser's words first, then the defaults. */
export interface StatusLookup {
  readonly byWord: ReadonlyMap<string, ConversionStatus>;
  /** The accepted words, for the UNKNOWN_STATUS message. */
  readonly accepted: readonly string[];
}

/**
 * Merges an advertiser's statusMap over the defaults. The advertiser's entries win, so a network
 * whose `1` means pending can say so.
 *
 * @throws PostbackConfigError `INVALID_STATUS_MAP` for a map {@link validateStatusMap} would refuse.
 */
export function compileStatusLookup(statusMap?: Record<string, ConversionStatus>): StatusLookup {
  const byWord = new Map<string, ConversionStatus>(Object.entries(DEFAULT_STATUS_MAP));
  for (const [word, status] of Object.entries(validateStatusMap(statusMap))) byWord.set(word, status);
  return { byWord, accepted: [...byWord.keys()] };
}
