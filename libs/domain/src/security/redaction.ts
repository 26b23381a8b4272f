/**
 * Names whose values are always masked, in URLs (query parameters), headers and stored postback
 * parameters. Compared after normalisation: lower case, with `-`, `_` and `.` removed (`API-Key`,
 * `api_key` and `apikey` are one name). `REDACT_NAMES` adds to this list; it cannot shorten it.
 */
export const DEFAULT_REDACTED_NAMES: readonly string[] = [
  'pw',
  'pwd',
  'pass',
  'passwd',
  'password',
  'passphrase',
  'secret',
  'key',
  'apikey',
  'code',
  'auth',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'token',
  'sig',
  'signature',
  'hash',
  'session',
  'userinfo',
];

/** A name containing one of these (after normalisation) is secret: `access_token`, `client_secret`, `x-api-key`. */
const SECRET_SUBSTRINGS = ['token', 'secret', 'password', 'passwd', 'apikey', 'signature', 'credential'];
/** A secret word as the last part of a compound name: `api_key`, `x-auth`, `hmac_sig`, `user.pw`. */
const SECRET_SUFFIX = /(^|[_.-])(key|sig|auth|hash|pw|pwd|pass)$/;

/** How a masked URL part reads: URL-safe, so the masked URL still parses. */
export const URL_MASK = '***';
/** How a masked header or stored parameter value reads (also what the admin API shows). */
export const VALUE_MASK = '[redacted]';

/**
 * A path segment at least this long, made only of token characters and mixing letters and digits,
 * is taken for a credential (API keys, 43-character postback tokens, JWTs). Ricochet's own click ids
 * (22 characters) and MongoDB ids (24) stay readable.
 */
export const SECRET_SEGMENT_MIN_LENGTH = 32;
const TOKEN_SEGMENT = /^[A-Za-z0-9._~+=-]+$/;

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]/g, '');
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    // A malformed escape is judged as written.
    return raw;
  }
}

/**
 * One redaction rule for everything Ricochet logs or stores: URLs, header maps and postback
 * parameters. Build it once with {@link createRedactionPolicy} (the config's `security.redactNames`)
 * and share it; {@link DEFAULT_REDACTION_POLICY} has the built-in list only.
 */
export class RedactionPolicy {
  private readonly names: ReadonlySet<string>;

  constructor(extraNames: readonly string[] = []) {
    this.names = new Set(
      [...DEFAULT_REDACTED_NAMES, ...extraNames].map(normaliseName).filter((n) => n !== ''),
    );
  }

  /**
   * True when a parameter or header named `name` carries a secret: a listed name, a name containing
   * token/secret/password/passwd/apikey/signature/credential, or a compound name ending in
   * `_key`, `-auth`, `_sig`, `_hash`, `_pw`, `_pwd` or `_pass`. Names are percent-decoded first.
   */
  isSecretName(name: string): boolean {
    const decoded = decodeName(name).toLowerCase();
    const normalised = normaliseName(decoded);
    return (
      this.names.has(normalised) ||
      SECRET_SUBSTRINGS.some((word) => normalised.includes(word)) ||
      SECRET_SUFFIX.test(decoded)
    );
  }

  /**
   * Masks a URL for logs and the attempt trail, keeping everything else byte for byte:
   * - userinfo (`https://***:***@host`);
   * - the value of every query parameter with a secret name ({@link isSecretName});
   * - path segments that look like secrets: the segment after one with a secret name
   *   (`/token/<x>`, `/api_key/<x>`), and any segment of {@link SECRET_SEGMENT_MIN_LENGTH}+ token
   *   characters that mixes letters and digits (`/hooks/3f9c…e1/`).
   * An unparsable URL is still masked as far as its shape allows; this never throws.
   */
  redactUrl(url: string): string {
    const hashAt = url.indexOf('#');
    const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
    const fragment = hashAt === -1 ? '' : url.slice(hashAt);
    const queryAt = beforeHash.indexOf('?');
    const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
    const query = queryAt === -1 ? undefined : beforeHash.slice(queryAt + 1);

    const authority = /^([a-z][a-z0-9+.-]*:\/\/)([^/]*)/i.exec(base);
    const origin = authority ? this.maskUserinfo(authority[1], authority[2]) : '';
    const path = authority ? base.slice(authority[0].length) : base;
    const redactedBase = origin + this.redactPath(path);
    if (query === undefined) return redactedBase + fragment;
    const redactedQuery = query
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq === -1) return pair;
        return this.isSecretName(pair.slice(0, eq)) ? `${pair.slice(0, eq)}=${URL_MASK}` : pair;
      })
      .join('&');
    return `${redactedBase}?${redactedQuery}${fragment}`;
  }

  /** A copy of `params` with every secret-named value replaced by {@link VALUE_MASK}. */
  redactParams(params: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) {
      out[name] = this.isSecretName(name) ? VALUE_MASK : value;
    }
    return out;
  }

  /** A copy of a header map with every secret-named header's value replaced by {@link VALUE_MASK}. */
  redactHeaders<V>(headers: Readonly<Record<string, V>>): Record<string, V | string> {
    const out: Record<string, V | string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = this.isSecretName(name) ? VALUE_MASK : value;
    }
    return out;
  }

  private maskUserinfo(scheme: string, authority: string): string {
    const at = authority.lastIndexOf('@');
    if (at === -1) return scheme + authority;
    const userinfo = authority.slice(0, at);
    return `${scheme}${userinfo.includes(':') ? `${URL_MASK}:${URL_MASK}` : URL_MASK}@${authority.slice(at + 1)}`;
  }

  private redactPath(path: string): string {
    if (path === '') return path;
    const segments = path.split('/');
    let afterSecretName = false;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      if (segment === '') continue;
      if (afterSecretName || looksLikeCredential(segment)) segments[i] = URL_MASK;
      afterSecretName = this.isSecretName(segment) && !looksLikeCredential(segment);
    }
    return segments.join('/');
  }
}

function looksLikeCredential(segment: string): boolean {
  return (
    segment.length >= SECRET_SEGMENT_MIN_LENGTH &&
    TOKEN_SEGMENT.test(segment) &&
    /[0-9]/.test(segment) &&
    /[A-Za-z]/.test(segment)
  );
}

/** The built-in policy ({@link DEFAULT_REDACTED_NAMES} only). */
export const DEFAULT_REDACTION_POLICY = new RedactionPolicy();

/** A policy with the built-in names plus `extraNames` (the config's `security.redactNames`). */
export function createRedactionPolicy(extraNames: readonly string[] = []): RedactionPolicy {
  return extraNames.length === 0 ? DEFAULT_REDACTION_POLICY : new RedactionPolicy(extraNames);
}
