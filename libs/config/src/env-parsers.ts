/**
 * Small parsers for environment values. Each returns the parsed value or a problem string naming the
 * variable and the expected form, so that every bad variable is reported at once.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (name: string, expected: string, raw: string): Parsed<never> => ({
  ok: false,
  problem: `${name} must be ${expected}, got "${raw}"`,
});

export function parseInteger(name: string, raw: string, min: number, max: number): Parsed<number> {
  if (!/^\d+$/.test(raw)) return bad(name, `an integer between ${min} and ${max}`, raw);
  const value = Number(raw);
  return value >= min && value <= max ? ok(value) : bad(name, `an integer between ${min} and ${max}`, raw);
}

export function parseBoolean(name: string, raw: string): Parsed<boolean> {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return ok(true);
  if (['false', '0', 'no', 'off', ''].includes(v)) return ok(false);
  return bad(name, 'true or false', raw);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `10s`, `15m`, `2h`, `1d`; a bare number is seconds. */
export function parseDurationMs(name: string, raw: string): Parsed<number> {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) return bad(name, 'a duration like 10s, 15m, 2h or 1d', raw);
  return ok(Number(match[1]) * UNIT_MS[match[2] ?? 's']);
}

export function parseList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function parseUrl(name: string, raw: string, protocols: readonly string[]): Parsed<string> {
  try {
    const url = new URL(raw);
    if (protocols.includes(url.protocol)) return ok(raw);
  } catch {
    // fall through to the problem below
  }
  return bad(name, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`, redactUserinfo(raw));
}

/** Never echo a password from a connection string back into logs. */
export function redactUserinfo(raw: string): string {
  return raw.replace(/\/\/([^/@:]*):([^/@]*)@/, '//$1:***@');
}

export function parseEnum<T extends string>(name: string, raw: string, values: readonly T[]): Parsed<T> {
  return (values as readonly string[]).includes(raw)
    ? ok(raw as T)
    : bad(name, `one of ${values.join(', ')}`, raw);
}

/**
 * An optional public base URL: empty means unset; otherwise an absolute http(s) URL without user info,
 * query or fragment (a path prefix is allowed). Returned without its trailing slash, so paths append to it.
 */
export function parseBaseUrl(name: string, raw: string): Parsed<string | undefined> {
  const text = raw.trim();
  if (text === '') return ok(undefined);
  const expected = 'an absolute http(s) URL like https://track.example.com, without query or fragment';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad(name, expected, redactUserinfo(raw));
  }
  const plain =
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '' &&
    !/[?#]/.test(text);
  if (!plain) return bad(name, expected, redactUserinfo(raw));
  return ok(`${url.origin}${url.pathname.replace(/\/+$/, '')}`);
}
