import type * as ipaddr from 'ipaddr.js';
import { type Cidr, type IpAddress, ipInCidrList, parseCidr, parseIp } from './cidr';

/** Verdict of {@link isForbiddenAddress}. `metadata` marks cloud metadata endpoints, never opened by `allowPrivate`. */
export interface AddressVerdict {
  forbidden: boolean;
  /** Human-readable range name, e.g. `private (RFC 1918)` or `NAT64 10.0.0.1: private (RFC 1918)`. */
  reason?: string;
  metadata?: boolean;
}

/**
 * Which non-public destinations an operator has opened. `allowPrivate` (`FORWARD_ALLOW_PRIVATE`) opens
 * every special range except cloud metadata endpoints, for local installs and tests; `allowlist`
 * opens exactly the listed blocks, metadata included, because listing one is an explicit decision.
 */
export interface SsrfPolicy {
  allowPrivate: boolean;
  allowlist: readonly Cidr[];
}

export const STRICT_SSRF_POLICY: SsrfPolicy = Object.freeze({ allowPrivate: false, allowlist: [] });

interface Rule {
  cidr: Cidr;
  reason: string;
  metadata?: boolean;
}

const rules = (list: ReadonlyArray<[string, string, boolean?]>): Rule[] =>
  list.map(([cidr, reason, metadata]) => ({ cidr: parseCidr(cidr), reason, metadata }));

// First match wins: the specific metadata addresses come before the ranges that contain them.
const IPV4_RULES = rules([
  ['169.254.169.254/32', 'cloud metadata service (AWS, GCP, Azure, DigitalOcean, OpenStack)', true],
  ['100.100.100.200/32', 'cloud metadata service (Alibaba Cloud)', true],
  // Publicly routable, yet answers only inside Azure: the VM agent's control channel.
  ['168.63.129.16/32', 'cloud platform endpoint (Azure WireServer)', true],
  ['0.0.0.0/8', 'unspecified ("this network")'],
  ['10.0.0.0/8', 'private (RFC 1918)'],
  ['100.64.0.0/10', 'carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private (RFC 1918)'],
  ['192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0/24', 'documentation (TEST-NET-1)'],
  ['192.88.99.0/24', '6to4 relay anycast (deprecated, RFC 7526)'],
  ['192.168.0.0/16', 'private (RFC 1918)'],
  ['198.18.0.0/15', 'benchmarking (RFC 2544)'],
  ['198.51.100.0/24', 'documentation (TEST-NET-2)'],
  ['203.0.113.0/24', 'documentation (TEST-NET-3)'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved (class E)'],
]);

const IPV6_RULES = rules([
  ['fd00:ec2::254/128', 'cloud metadata service (AWS IPv6)', true],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // Deprecated (RFC 4291 §2.5.5.1); no real receiver lives here, so refuse without judging the v4.
  ['::/96', 'IPv4-compatible (deprecated)'],
  // Local-use NAT64 (RFC 8215) may put the IPv4 at several offsets; the site decides which.
  ['64:ff9b:1::/48', 'local-use NAT64 (RFC 8215)'],
  ['100::/64', 'discard-only (RFC 6666)'],
  // Teredo hides the client IPv4 XOR-ed in the low bits; the protocol is dead, so refuse it outright.
  ['2001::/32', 'Teredo tunnelling'],
  ['2001:db8::/32', 'documentation'],
  ['2001::/23', 'IETF protocol assignments'],
  ['3fff::/20', 'documentation (RFC 9637)'],
  ['fc00::/7', 'unique local (ULA)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local (deprecated)'],
  ['ff00::/8', 'multicast'],
]);

const GLOBAL_UNICAST_V6 = parseCidr('2000::/3');
const NAT64_WKP = parseCidr('64:ff9b::/96');
const SIX_TO_FOUR = parseCidr('2002::/16');

/**
 * The SSRF address rule: is `ip` anything other than a public unicast address?
 *
 * Refused: unspecified, loopback, RFC 1918, CGNAT, link-local, IETF/documentation/benchmarking/
 * reserved ranges, multicast, broadcast, cloud metadata (169.254.169.254, fd00:ec2::254,
 * 100.100.100.200, Azure's 168.63.129.16), IPv6 ULA, site-local, discard, Teredo, IPv4-compatible,
 * local-use NAT64 and everything outside 2000::/3. IPv6 forms that carry an IPv4 address — mapped
 * `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16` — are judged by that IPv4 address, so
 * `64:ff9b::8.8.8.8` passes and `::ffff:127.0.0.1` does not. Finally anything `ipaddr.js` does not
 * call `unicast` is refused, so a range it learns later is refused by default.
 *
 * Input must be a canonical literal (what `dns.lookup` returns); other spellings and addresses with a
 * zone are refused rather than guessed at.
 */
export function isForbiddenAddress(ip: string): AddressVerdict {
  const addr = parseIp(ip);
  if (!addr) return { forbidden: true, reason: 'not a canonical IP address' };
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).zoneId !== undefined) {
    return { forbidden: true, reason: 'IPv6 address with a zone identifier' };
  }
  return judge(addr);
}

/** Applies {@link SsrfPolicy} on top of {@link isForbiddenAddress}. */
export function checkAddress(
  ip: string,
  policy: SsrfPolicy = STRICT_SSRF_POLICY,
): { allowed: true } | { allowed: false; reason: string } {
  const verdict = isForbiddenAddress(ip);
  if (!verdict.forbidden) return { allowed: true };
  if (parseIp(ip) && ipInCidrList(ip, policy.allowlist)) return { allowed: true };
  if (policy.allowPrivate && !verdict.metadata && parseIp(ip)) return { allowed: true };
  return { allowed: false, reason: verdict.reason ?? 'forbidden' };
}

function judge(addr: IpAddress): AddressVerdict {
  if (addr.kind() === 'ipv4') return judgeRules(addr, IPV4_RULES) ?? judgeByLibrary(addr);

  const v6 = addr as ipaddr.IPv6;
  const embedded = embeddedIpv4(v6);
  if (embedded) {
    const inner = judge(embedded.v4);
    return inner.forbidden
      ? { ...inner, reason: `${embedded.via} ${embedded.v4.toString()}: ${inner.reason ?? 'forbidden'}` }
      : { forbidden: false };
  }
  const byRule = judgeRules(v6, IPV6_RULES);
  if (byRule) return byRule;
  if (!ipInCidrList(v6, [GLOBAL_UNICAST_V6])) {
    return { forbidden: true, reason: 'not global unicast (outside 2000::/3)' };
  }
  return judgeByLibrary(v6);
}

function judgeRules(addr: IpAddress, list: readonly Rule[]): AddressVerdict | undefined {
  const hit = list.find((r) => ipInCidrList(addr, [r.cidr]));
  if (!hit) return undefined;
  return hit.metadata
    ? { forbidden: true, reason: hit.reason, metadata: true }
    : { forbidden: true, reason: hit.reason };
}

function judgeByLibrary(addr: IpAddress): AddressVerdict {
  const range = addr.range();
  return range === 'unicast'
    ? { forbidden: false }
    : { forbidden: true, reason: `special-purpose (${range})` };
}

function embeddedIpv4(v6: ipaddr.IPv6): { v4: ipaddr.IPv4; via: string } | undefined {
  const p = v6.parts;
  const v4 = (hi: number, lo: number): ipaddr.IPv4 => {
    const parsed = parseIp(`${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`);
    return parsed as ipaddr.IPv4;
  };
  if (v6.isIPv4MappedAddress()) return { v4: v6.toIPv4Address(), via: 'IPv4-mapped' };
  if (ipInCidrList(v6, [NAT64_WKP])) return { v4: v4(p[6], p[7]), via: 'NAT64' };
  if (ipInCidrList(v6, [SIX_TO_FOUR])) return { v4: v4(p[1], p[2]), via: '6to4' };
  return undefined;
}
