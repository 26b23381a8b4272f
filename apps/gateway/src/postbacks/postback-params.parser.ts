import {
  type PostbackInput,
  POSTBACK_LIMITS,
  PostbackParamError,
  readJsonParams,
} from '@ricochet/domain/postback';

type Values = string | string[];

/** A postback body read once, before authentication; reading it never throws. */
export interface PostbackBody {
  /** Parameters in order; a name sent twice appears twice (the parser judges repeats). */
  entries: [string, Values][];
  /** Why the body cannot be read as parameters; raised only after authentication (the refusal is stored). */
  error?: PostbackParamError;
}

/** What the intake reads parameters from. */
export interface PostbackParamsSource {
  /** Fastify's parsed query string: strings, or arrays for repeated names. */
  query: unknown;
  body: PostbackBody;
}

const NO_BODY: PostbackBody = { entries: [] };

/**
 * Reads the body the gateway's parsers left: a form object (`name=value&…`), the text of a JSON body
 * (read by the domain's flat reader: nested values and a repeated key are noticed, nothing recurses),
 * or anything else (refused as UNSUPPORTED_MEDIA_TYPE).
 */
export function readPostbackBody(body: unknown, contentType: string | undefined): PostbackBody {
  if (body === undefined || body === null || body === '') return NO_BODY;
  const type = mediaType(contentType);
  if (type === 'application/json') {
    const reading = readJsonParams(
      typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '',
    );
    return reading.error ? { entries: reading.entries, error: reading.error } : { entries: reading.entries };
  }
  if (type === 'application/x-www-form-urlencoded' && typeof body === 'object') {
    return { entries: entriesOf(body) };
  }
  return {
    entries: [],
    error: new PostbackParamError(
      'UNSUPPORTED_MEDIA_TYPE',
      undefined,
      'a postback body must be application/x-www-form-urlencoded or application/json, got ' +
        `"${(type || 'none').slice(0, 100)}"`,
    ),
  };
}

/**
 * Merges the query string with the body into the parser's input. A name sent in both
 * places, or twice in one of them (a repeated JSON key included), becomes a repeated parameter: the
 * parser accepts equal values and refuses different ones (DUPLICATE_PARAMETER).
 *
 * @throws PostbackParamError the body's reading error (INVALID_JSON, INVALID_JSON_SHAPE,
 *   JSON_TOO_DEEP, UNSUPPORTED_MEDIA_TYPE).
 */
export function collectPostbackParams(source: PostbackParamsSource): PostbackInput {
  if (source.body.error) throw source.body.error;
  const merged = new Map<string, string[]>();
  for (const [name, value] of [...entriesOf(source.query), ...source.body.entries]) add(merged, name, value);
  const input: Record<string, string | string[]> = {};
  for (const [name, values] of merged) input[name] = values.length === 1 ? values[0] : values;
  return input;
}

/**
 * Every parameter as one string (repeats joined with `,`), for storing a postback the intake refuses:
 * at most 100, names and values cut to their limits, `ignored` names (token, signature parameters)
 * dropped and secret-named values masked by `redact`. Never throws, whatever the request's shape.
 */
export function storableParams(
  source: PostbackParamsSource,
  ignored: ReadonlySet<string>,
  redact: (params: Record<string, string>) => Record<string, string>,
): Record<string, string> {
  const merged = new Map<string, string[]>();
  for (const [name, value] of [...entriesOf(source.query), ...source.body.entries]) {
    if (merged.size >= POSTBACK_LIMITS.maxParameters && !merged.has(name)) continue;
    add(merged, name, value);
  }
  const entries: [string, string][] = [];
  for (const [name, values] of merged) {
    if (name === '' || name === '__proto__' || ignored.has(name.toLowerCase())) continue;
    entries.push([
      name.slice(0, POSTBACK_LIMITS.maxNameLength),
      values.join(',').slice(0, POSTBACK_LIMITS.maxValueLength),
    ]);
  }
  return redact(Object.fromEntries(entries));
}

/** The first non-empty value of a parameter in the query, then the body (the `token=` form of auth). */
export function firstParam(source: PostbackParamsSource, name: string): string | undefined {
  return firstIn(entriesOf(source.query), name) ?? firstIn(source.body.entries, name);
}

/** The first non-empty value of a query parameter. */
export function firstQueryParam(source: PostbackParamsSource, name: string): string | undefined {
  return firstIn(entriesOf(source.query), name);
}

/** Names of the query parameters, as parsed. */
export function queryNames(source: PostbackParamsSource): string[] {
  return entriesOf(source.query).map(([name]) => name);
}

function firstIn(entries: [string, Values][], name: string): string | undefined {
  for (const [key, value] of entries) {
    if (key !== name) continue;
    const first = typeof value === 'string' ? value : value[0];
    if (typeof first === 'string' && first !== '') return first;
  }
  return undefined;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** String-valued entries of a parsed query or form object; anything else is ignored. */
function entriesOf(source: unknown): [string, Values][] {
  if (typeof source !== 'object' || source === null) return [];
  const entries: [string, Values][] = [];
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    if (typeof value === 'string') entries.push([name, value]);
    else if (Array.isArray(value))
      entries.push([name, value.filter((v): v is string => typeof v === 'string')]);
  }
  return entries;
}

function add(merged: Map<string, string[]>, name: string, value: Values): void {
  const values = typeof value === 'string' ? [value] : value;
  const existing = merged.get(name);
  if (existing === undefined) merged.set(name, [...values]);
  else existing.push(...values);
}
