import { isIP } from 'node:net';
import { type SsrfPolicy, STRICT_SSRF_POLICY, checkAddress } from './address-rules';
import { ForbiddenDestinationError } from './forbidden-destination.error';

/** What the HTTP client needs to know about a destination that passed the static checks. */
export interface CheckedDestination {
  protocol: 'http:' | 'https:';
  /** Lower-case host without IPv6 brackets or a trailing dot. */
  hostname: string;
  port: number;
  /** Set when the host is an IP literal; it was judged here because Node never calls `lookup` for one. */
  literalIp?: string;
}

// Names that never need DNS to mean "this machine" (RFC 6761) or the metadata service.
const LOOPBACK_NAMES = /(^|\.)localhost$/;
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'instance-data.ec2.internal']);

/**
 * Static SSRF check of a forward URL, run when an endpoint is saved and again before each send:
 * only `http:`/`https:`; an IP-literal host is judged now (Node's `net.connect` skips `lookup` for
 * literals, so the guarded lookup would never see it); `localhost` names and well-known metadata
 * names are refused by name. Hostnames are otherwise judged after DNS by the guarded lookup.
 *
 * Credentials in the URL (`https://user:pass@host`) are allowed — some partners still use them —
 * but must only ever be logged through {@link redactUrl}.
 *
 * @throws ForbiddenDestinationError with code `SSRF_INVALID_URL`, `SSRF_SCHEME`, `SSRF_HOSTNAME` or `SSRF_ADDRESS`.
 */
export function checkDestinationUrl(
  url: string,
  policy: SsrfPolicy = STRICT_SSRF_POLICY,
): CheckedDestination {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ForbiddenDestinationError('SSRF_INVALID_URL', 'the destination is not an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ForbiddenDestinationError(
      'SSRF_SCHEME',
      `only http: and https: destinations are allowed, got "${parsed.protocol}"`,
    );
  }
  const protocol = parsed.protocol;
  const hostname = parsed.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
  if (hostname === '') throw new ForbiddenDestinationError('SSRF_INVALID_URL', 'the destination has no host');
  const port = parsed.port === '' ? (protocol === 'https:' ? 443 : 80) : Number(parsed.port);

  if (isIP(hostname) !== 0) {
    const verdict = checkAddress(hostname, policy);
    if (!verdict.allowed) {
      throw new ForbiddenDestinationError(
        'SSRF_ADDRESS',
        `destination ${hostname} is not a public address (${verdict.reason})`,
        hostname,
      );
    }
    return { protocol, hostname, port, literalIp: hostname };
  }
  if (METADATA_NAMES.has(hostname)) {
    throw new ForbiddenDestinationError('SSRF_HOSTNAME', `"${hostname}" is a cloud metadata service`);
  }
  if (LOOPBACK_NAMES.test(hostname) && !policy.allowPrivate) {
    throw new ForbiddenDestinationError('SSRF_HOSTNAME', `"${hostname}" always means this machine`);
  }
  return { protocol, hostname, port };
}

/** Query parameter names always masked by {@link redactUrl} (compared case-insensitively, `-`/`_`/`.` ignored). */
export const SECRET_PARAM_NAMES = [
  'token',
  'key',
  'secret',
  'apikey',
  'password',
  'passwd',
  'pwd',
  'sig',
  'signature',
  'auth',
  'authorization',
  'hash',
] as const;

const SECRET_SUBSTRINGS = ['token', 'secret', 'password', 'apikey', 'signature'];
// `api_key`, `x-auth`, `hmac_sig`: a secret word as the last segment of a compound name.
const SECRET_SUFFIX = /(^|[_.-])(key|sig|auth|hash)$/;
const MASK = '***';

/**
 * Masks what must not reach logs or the attempt trail: URL userinfo (`https://***:***@host`) and the
 * values of query parameters whose names look secret — {@link SECRET_PARAM_NAMES}, names containing
 * token/secret/password/apikey/signature, names ending in `_key`/`-auth`/`_sig`/`_hash` — plus any
 * `extraSecretParams`. Everything else, including the order and encoding of other parameters, is kept.
 * An unparsable URL is still masked as far as its shape allows.
 */
export function redactUrl(url: string, extraSecretParams: readonly string[] = []): string {
  const extra = new Set(extraSecretParams.map(normaliseName));
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt === -1 ? undefined : beforeHash.slice(queryAt + 1);

  const redactedBase = base.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)([^/]*)@/i,
    (_m, scheme: string, userinfo: string) =>
      `${scheme}${userinfo.includes(':') ? `${MASK}:${MASK}` : MASK}@`,
  );
  if (query === undefined) return redactedBase + fragment;
  const redactedQuery = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      return isSecretName(pair.slice(0, eq), extra) ? `${pair.slice(0, eq)}=${MASK}` : pair;
    })
    .join('&');
  return `${redactedBase}?${redactedQuery}${fragment}`;
}

function isSecretName(rawName: string, extra: ReadonlySet<string>): boolean {
  let name: string;
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    name = rawName.toLowerCase();
  }
  const normalised = normaliseName(name);
  return (
    extra.has(normalised) ||
    (SECRET_PARAM_NAMES as readonly string[]).includes(normalised) ||
    SECRET_SUBSTRINGS.some((s) => normalised.includes(s)) ||
    SECRET_SUFFIX.test(name)
  );
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]/g, '');
}
