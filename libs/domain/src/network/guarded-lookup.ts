import * as dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { type SsrfPolicy, checkAddress } from './address-rules';
import type { Cidr } from './cidr';
import { ForbiddenDestinationError } from './forbidden-destination.error';

/** The callback-style resolver shape the guard wraps; `dns.lookup` by default, a fake in tests. */
export type LookupAllFunction = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

export interface GuardedLookupOptions {
  /** `FORWARD_ALLOW_PRIVATE`: open every non-public range except cloud metadata. */
  allowPrivate: boolean;
  /** Blocks opened explicitly, metadata included. */
  allowlist: readonly Cidr[];
  /** Injected resolver; defaults to `dns.lookup`. */
  lookup?: LookupAllFunction;
}

/**
 * Builds a `lookup` for `net.connect` / `tls.connect` — hand it to undici as
 * `new Agent({ connect: { lookup } })` — that resolves the host, refuses it when **any** resolved
 * address is forbidden, and returns only addresses it checked. The socket then connects to exactly
 * the IP that was judged, so there is no window for DNS rebinding between check and connect.
 *
 * Why refuse on any forbidden address rather than filter: a name that resolves to both a public and
 * a private address is either misconfigured or an attack, and happy-eyeballs may pick either.
 *
 * Supports both call shapes Node uses: `options.all` (happy-eyeballs, Node ≥ 20 default) receives the
 * checked list; otherwise the first checked address and its family. Resolver errors (ENOTFOUND,
 * EAI_AGAIN) are passed through unchanged so the worker classifies them as retryable `dns_error`.
 * IP literals are judged too, although Node skips `lookup` for them (see `checkDestinationUrl`).
 */
export function makeGuardedLookup(options: GuardedLookupOptions): LookupFunction {
  const policy: SsrfPolicy = { allowPrivate: options.allowPrivate, allowlist: options.allowlist };
  const resolve: LookupAllFunction = options.lookup ?? dns.lookup;

  return (hostname, lookupOptions, callback) => {
    const wantAll = lookupOptions?.all === true;
    resolve(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) {
        callback(err, wantAll ? [] : '');
        return;
      }
      if (!Array.isArray(addresses) || addresses.length === 0) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        notFound.code = 'ENOTFOUND';
        callback(notFound, wantAll ? [] : '');
        return;
      }
      for (const { address } of addresses) {
        const verdict = checkAddress(address, policy);
        if (!verdict.allowed) {
          const refused = new ForbiddenDestinationError(
            'SSRF_ADDRESS',
            `${hostname} resolves to ${address}, which is not a public address (${verdict.reason})`,
            address,
          );
          callback(refused, wantAll ? [] : '');
          return;
        }
      }
      const checked = addresses.map(({ address, family }) => ({ address, family }));
      if (wantAll) callback(null, checked);
      else callback(null, checked[0].address, checked[0].family);
    });
  };
}
