import { BadRequestException } from '@nestjs/common';
import { SUB_KEYS, type ClickSubs } from '@ricochet/persistence';

/** Longest accepted values of `GET /click` parameters. */
export const CLICK_QUERY_LIMITS = {
  /** A traffic source's own click id; gclid/fbclid-style ids run to a few hundred characters. */
  extClickId: 256,
  /** Sub ids carry placements, keywords and creative names; TUNE-style subs run to 500. */
  sub: 512,
} as const;

/** `GET /click` after validation. */
export interface ClickQuery {
  offerId: string;
  sourceId: string;
  extClickId?: string;
  subs: ClickSubs;
}

type RawQuery = Readonly<Record<string, unknown>>;

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/**
 * Parses `GET /click?offer_id=&source_id=&ext_click_id=&sub1=…&sub10=` without
 * class-validator: this is the hottest route. Empty values count as absent; other parameters are ignored.
 *
 * @throws BadRequestException `{ code, param, message }`: MISSING_OFFER_ID, INVALID_OFFER_ID,
 *   MISSING_SOURCE_ID, INVALID_SOURCE_ID, INVALID_EXT_CLICK_ID, INVALID_SUB.
 */
export function parseClickQuery(query: RawQuery): ClickQuery {
  const offerId = requiredId(query, 'offer_id', 'OFFER_ID');
  const sourceId = requiredId(query, 'source_id', 'SOURCE_ID');
  const extClickId = optionalText(
    query,
    'ext_click_id',
    CLICK_QUERY_LIMITS.extClickId,
    'INVALID_EXT_CLICK_ID',
  );
  const subs: ClickSubs = {};
  for (const key of SUB_KEYS) {
    const value = optionalText(query, key, CLICK_QUERY_LIMITS.sub, 'INVALID_SUB');
    if (value !== undefined) subs[key] = value;
  }
  return { offerId, sourceId, ...(extClickId !== undefined ? { extClickId } : {}), subs };
}

function fail(code: string, param: string, message: string): never {
  throw new BadRequestException({ code, param, message: `${code}: ${message}` });
}

/** The single string value of a parameter; undefined when absent or empty. */
function single(query: RawQuery, name: string, invalidCode: string): string | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') fail(invalidCode, name, `"${name}" must be sent once`);
  return raw;
}

function requiredId(query: RawQuery, name: string, suffix: 'OFFER_ID' | 'SOURCE_ID'): string {
  const value = single(query, name, `INVALID_${suffix}`);
  if (value === undefined) fail(`MISSING_${suffix}`, name, `"${name}" is required`);
  if (!OBJECT_ID.test(value)) {
    fail(`INVALID_${suffix}`, name, `"${name}" must be a 24-character hex id, got "${value.slice(0, 64)}"`);
  }
  return value.toLowerCase();
}

function optionalText(query: RawQuery, name: string, max: number, code: string): string | undefined {
  const value = single(query, name, code);
  if (value === undefined) return undefined;
  if (value.length > max)
    fail(code, name, `"${name}" is ${value.length} characters long; at most ${max} are accepted`);
  if (hasControlChars(value)) fail(code, name, `"${name}" must not contain control characters`);
  return value;
}

function hasControlChars(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
