import { isIP } from 'node:net';
import { type SsrfPolicy, STRICT_SSRF_POLICY, checkAddress } from './address-rules';
import { ForbiddenDestinationError } from './forbidden-destination.error';
import { createRedactionPolicy, DEFAULT_REDACTED_NAMES } from '../security/redaction';

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

/** Names always masked by {@link redactUrl}; the one list is the redaction policy's (security/redaction). */
export const SECRET_PARAM_NAMES: readonly string[] = DEFAULT_REDACTED_NAMES;

/**
 * Masks what must not reach logs or the attempt trail — URL userinfo, secret-named query parameters and
 * secret-looking path segments — with the default redaction policy plus `extraSecretParams`
 * (see `RedactionPolicy.redactUrl`). Kept here for existing callers; new code should build one
 * policy with `createRedactionPolicy(config.security.redactNames)` and call its `redactUrl`.
 */
export function redactUrl(url: string, extraSecretParams: readonly string[] = []): string {
  return createRedactionPolicy(extraSecretParams).redactUrl(url);
}
