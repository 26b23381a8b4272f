import * as ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** One parsed CIDR block. `text` is the canonical form (network address / prefix) for logs and APIs. */
export interface Cidr {
  readonly kind: 'ipv4' | 'ipv6';
  readonly network: IpAddress;
  readonly prefix: number;
  readonly text: string;
}

/** Thrown by {@link parseCidr} / {@link parseCidrList}; the message names the offending entry. */
export class InvalidCidrError extends Error {
  override readonly name = 'InvalidCidrError';

  constructor(
    readonly entry: string,
    reason: string,
  ) {
    super(`INVALID_CIDR: "${entry}" ${reason}`);
  }
}

/**
 * Parses an IP literal strictly: dotted-quad IPv4 without leading zeros, or IPv6 (an optional `%zone`
 * is kept on the result). Returns undefined for anything else.
 *
 * Stricter than `ipaddr.parse` on purpose: it accepts `0x7f.1`, `0177.0.0.1` and `2130706433`, forms
 * no resolver returns and that only show up in SSRF payloads; WHATWG URL parsing has already
 * normalised such hosts before they reach us.
 */
export function parseIp(ip: string): IpAddress | undefined {
  const version = isIP(ip);
  if (version === 0) return undefined;
  try {
    return version === 4 ? ipaddr.IPv4.parse(ip) : ipaddr.IPv6.parse(dottedTailToHex(ip));
  } catch {
    return undefined;
  }
}

/**
 * Brings an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a dual-stack socket reports for an IPv4
 * client) to its IPv4 form so it matches IPv4 rules and lists.
 */
export function unmapIp(addr: IpAddress): IpAddress {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address()
    : addr;
}

/**
 * Parses `a.b.c.d/n`, `x::y/n` or a bare IP (= /32 or /128). Host bits are allowed and dropped
 * (`10.1.2.3/8` is `10.0.0.0/8`). An IPv4-mapped IPv6 block (`::ffff:1.2.3.0/120`) becomes its IPv4
 * equivalent (`1.2.3.0/24`) so both spellings match the same clients.
 */
export function parseCidr(entry: string): Cidr {
  const trimmed = entry.trim();
  const slash = trimmed.indexOf('/');
  const addrText = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash === -1 ? undefined : trimmed.slice(slash + 1);

  const parsed = parseIp(addrText);
  if (!parsed) throw new InvalidCidrError(entry, 'is not an IPv4/IPv6 address or CIDR block');
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).zoneId !== undefined) {
    throw new InvalidCidrError(entry, 'must not carry an IPv6 zone (%…)');
  }
  const maxPrefix = parsed.kind() === 'ipv4' ? 32 : 128;
  let prefix = maxPrefix;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) {
      throw new InvalidCidrError(entry, `has an invalid prefix length (0–${maxPrefix})`);
    }
    prefix = Number(prefixText);
  }

  let addr: IpAddress = parsed;
  if (addr.kind() === 'ipv6' && prefix >= 96 && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
    prefix -= 96;
  }
  const network = networkAddress(addr, prefix);
  const kind = network.kind();
  const shown = kind === 'ipv6' ? (network as ipaddr.IPv6).toRFC5952String() : network.toString();
  return { kind, network, prefix, text: `${shown}/${prefix}` };
}

/**
 * Parses a comma- and/or whitespace-separated list (`"10.0.0.0/8, 2001:db8::/32 1.2.3.4"`). Empty
 * entries are skipped, so `""` is an empty list. The first bad entry throws {@link InvalidCidrError}.
 */
export function parseCidrList(list: string | readonly string[]): Cidr[] {
  const entries = typeof list === 'string' ? list.split(/[\s,]+/) : list;
  return entries.filter((e) => e.trim() !== '').map(parseCidr);
}

/**
 * Whether `ip` falls in any block of `list`. IPv4-mapped IPv6 clients (`::ffff:1.2.3.4`) match IPv4
 * blocks. An unparsable `ip` matches nothing (fail closed for allowlists).
 */
export function ipInCidrList(ip: string | IpAddress, list: readonly Cidr[]): boolean {
  const parsed = typeof ip === 'string' ? parseIp(ip) : ip;
  if (!parsed) return false;
  const addr = unmapIp(parsed);
  return list.some((c) => c.kind === addr.kind() && addr.match(c.network, c.prefix));
}

/**
 * `ipaddr.js` reads `::a.b.c.d` as the IPv4-mapped `::ffff:a.b.c.d`, but to the kernel it is the
 * IPv4-compatible `::a.b:c.d`. Rewriting a dotted tail as two hex groups keeps the two in agreement.
 */
function dottedTailToHex(ip: string): string {
  return ip.replace(
    /(\d+)\.(\d+)\.(\d+)\.(\d+)(%.*)?$/,
    (_m, a: string, b: string, c: string, d: string, zone?: string) => {
      const group = (hi: string, lo: string): string => ((Number(hi) << 8) | Number(lo)).toString(16);
      return `${group(a, b)}:${group(c, d)}${zone ?? ''}`;
    },
  );
}

function networkAddress(addr: IpAddress, prefix: number): IpAddress {
  const bytes = addr.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    bytes[i] &= (0xff << (8 - keep)) & 0xff;
  }
  return ipaddr.fromByteArray(bytes);
}
