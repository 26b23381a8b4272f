import { checkAddress, isForbiddenAddress } from './address-rules';
import { parseCidrList } from './cidr';

describe('isForbiddenAddress', () => {
  const forbidden: Array<[string, RegExp]> = [
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['10.0.0.1', /private/],
    ['10.255.255.255', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.254', /carrier-grade NAT/],
    ['169.254.0.1', /link-local/],
    ['169.254.169.254', /metadata/],
    ['169.254.170.2', /link-local/],
    ['100.100.100.200', /metadata.*Alibaba/],
    ['168.63.129.16', /Azure/],
    ['192.0.0.1', /IETF/],
    ['192.0.0.170', /IETF/],
    ['192.0.2.10', /documentation/],
    ['198.51.100.7', /documentation/],
    ['203.0.113.99', /documentation/],
    ['192.88.99.1', /6to4 relay/],
    ['198.18.0.1', /benchmarking/],
    ['198.19.255.255', /benchmarking/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /broadcast/],
    ['192.175.48.1', /special-purpose \(as112\)/],
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['fe80::1', /link-local/],
    ['febf:ffff::1', /link-local/],
    ['fec0::1', /site-local/],
    ['fc00::1', /unique local/],
    ['fd12:3456:789a::1', /unique local/],
    ['fd00:ec2::254', /metadata.*AWS/],
    ['ff02::1', /multicast/],
    ['100::1', /discard/],
    ['2001:db8::1', /documentation/],
    ['3fff::1', /documentation/],
    ['2001:2::1', /IETF protocol assignments/],
    ['2001:10::1', /IETF protocol assignments/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['::127.0.0.1', /IPv4-compatible/],
    ['::8.8.8.8', /IPv4-compatible/],
    ['::ffff:127.0.0.1', /IPv4-mapped 127\.0\.0\.1: loopback/],
    ['::ffff:7f00:1', /IPv4-mapped 127\.0\.0\.1: loopback/],
    ['::ffff:10.0.0.1', /IPv4-mapped 10\.0\.0\.1: private/],
    ['::ffff:169.254.169.254', /IPv4-mapped 169\.254\.169\.254: cloud metadata/],
    ['64:ff9b::127.0.0.1', /NAT64 127\.0\.0\.1: loopback/],
    ['64:ff9b::a9fe:a9fe', /NAT64 169\.254\.169\.254: cloud metadata/],
    ['64:ff9b::c0a8:0101', /NAT64 192\.168\.1\.1: private/],
    ['64:ff9b:1::a00:1', /local-use NAT64/],
    ['2002:7f00:1::', /6to4 127\.0\.0\.1: loopback/],
    ['2002:a9fe:a9fe::1', /6to4 169\.254\.169\.254: cloud metadata/],
    ['2002:0a00:0001::1', /6to4 10\.0\.0\.1: private/],
    ['4000::1', /not global unicast/],
    ['5f00::1', /not global unicast/],
    ['2620:4f:8000::1', /special-purpose/],
  ];

  it.each(forbidden)('refuses %s', (ip, reason) => {
    const verdict = isForbiddenAddress(ip);
    expect(verdict.forbidden).toBe(true);
    expect(verdict.reason).toMatch(reason);
  });

  const allowed = [
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '198.17.255.255',
    '198.20.0.1',
    '223.255.255.254',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '64:ff9b::101:101',
    '2002:0808:0808::1',
  ];

  it.each(allowed)('lets the public unicast address %s pass', (ip) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: false });
  });

  it.each(['0177.0.0.1', '0x7f.0.0.1', '2130706433', '127.1', 'localhost', '', '1.2.3.4.5', '10.0.0.1/8'])(
    'refuses the non-canonical or invalid literal "%s" instead of guessing',
    (ip) => {
      expect(isForbiddenAddress(ip)).toEqual({ forbidden: true, reason: 'not a canonical IP address' });
    },
  );

  it('refuses an IPv6 address that carries a zone identifier', () => {
    expect(isForbiddenAddress('2606:4700::1111%eth0')).toEqual({
      forbidden: true,
      reason: 'IPv6 address with a zone identifier',
    });
  });

  it('marks cloud metadata endpoints so that allowPrivate cannot open them', () => {
    expect(isForbiddenAddress('169.254.169.254').metadata).toBe(true);
    expect(isForbiddenAddress('64:ff9b::a9fe:a9fe').metadata).toBe(true);
    expect(isForbiddenAddress('169.254.1.1').metadata).toBeUndefined();
  });
});

describe('checkAddress', () => {
  it('refuses private addresses under the strict default policy', () => {
    expect(checkAddress('10.1.2.3')).toEqual({ allowed: false, reason: 'private (RFC 1918)' });
  });

  it('opens private, loopback and link-local ranges when allowPrivate is set', () => {
    const policy = { allowPrivate: true, allowlist: [] };
    expect(checkAddress('127.0.0.1', policy)).toEqual({ allowed: true });
    expect(checkAddress('::1', policy)).toEqual({ allowed: true });
    expect(checkAddress('192.168.0.10', policy)).toEqual({ allowed: true });
  });

  it('keeps cloud metadata closed even when allowPrivate is set', () => {
    const policy = { allowPrivate: true, allowlist: [] };
    expect(checkAddress('169.254.169.254', policy)).toEqual({
      allowed: false,
      reason: expect.stringMatching(/metadata/),
    });
    expect(checkAddress('::ffff:169.254.169.254', policy).allowed).toBe(false);
  });

  it('opens exactly the allowlisted blocks, including IPv4-mapped forms of them', () => {
    const policy = { allowPrivate: false, allowlist: parseCidrList('10.20.0.0/16') };
    expect(checkAddress('10.20.3.4', policy)).toEqual({ allowed: true });
    expect(checkAddress('::ffff:10.20.3.4', policy)).toEqual({ allowed: true });
    expect(checkAddress('10.21.0.1', policy).allowed).toBe(false);
  });

  it('lets an explicit allowlist entry open a metadata address', () => {
    const policy = { allowPrivate: false, allowlist: parseCidrList('169.254.169.254') };
    expect(checkAddress('169.254.169.254', policy)).toEqual({ allowed: true });
  });

  it('never opens an invalid literal, whatever the policy', () => {
    const policy = { allowPrivate: true, allowlist: parseCidrList('0.0.0.0/0') };
    expect(checkAddress('0x7f.0.0.1', policy).allowed).toBe(false);
  });
});
