import { InvalidCidrError, ipInCidrList, parseCidr, parseCidrList, parseIp, unmapIp } from './cidr';

describe('parseCidr', () => {
  it('treats a bare IPv4 address as a /32 and a bare IPv6 address as a /128', () => {
    expect(parseCidr('1.2.3.4').text).toBe('1.2.3.4/32');
    expect(parseCidr('2001:db8::1').text).toBe('2001:db8::1/128');
  });

  it('drops host bits so the canonical text is the network address', () => {
    expect(parseCidr('10.1.2.3/8').text).toBe('10.0.0.0/8');
    expect(parseCidr('2001:db8:abcd::1/32').text).toBe('2001:db8::/32');
    expect(parseCidr('172.16.5.5/12').text).toBe('172.16.0.0/12');
  });

  it('turns an IPv4-mapped IPv6 block into its IPv4 equivalent', () => {
    expect(parseCidr('::ffff:1.2.3.0/120')).toMatchObject({ kind: 'ipv4', prefix: 24, text: '1.2.3.0/24' });
  });

  it.each([
    ['10.0.0.0/33', /invalid prefix length \(0–32\)/],
    ['2001:db8::/129', /invalid prefix length \(0–128\)/],
    ['10.0.0.0/', /invalid prefix length/],
    ['10.0.0.0/-1', /invalid prefix length/],
    ['10.0.0.0/8/8', /invalid prefix length/],
    ['10.0.0/8', /is not an IPv4\/IPv6 address/],
    ['0x0a.0.0.0/8', /is not an IPv4\/IPv6 address/],
    ['example.com', /is not an IPv4\/IPv6 address/],
    ['fe80::1%eth0/64', /zone/],
  ])('rejects "%s" with a message naming it', (entry, reason) => {
    expect(() => parseCidr(entry)).toThrow(InvalidCidrError);
    expect(() => parseCidr(entry)).toThrow(reason);
    expect(() => parseCidr(entry)).toThrow(`"${entry}"`);
  });
});

describe('parseCidrList', () => {
  it('splits on commas and whitespace and skips empty entries', () => {
    const list = parseCidrList(' 10.0.0.0/8, 2001:db8::/32  1.2.3.4,\n');
    expect(list.map((c) => c.text)).toEqual(['10.0.0.0/8', '2001:db8::/32', '1.2.3.4/32']);
  });

  it('returns an empty list for an empty string', () => {
    expect(parseCidrList('')).toEqual([]);
  });

  it('accepts an array of entries', () => {
    expect(parseCidrList(['1.2.3.0/24', '::1']).map((c) => c.text)).toEqual(['1.2.3.0/24', '::1/128']);
  });

  it('names the first bad entry of the list', () => {
    expect(() => parseCidrList('10.0.0.0/8, 300.1.1.1, 1.2.3.4')).toThrow('INVALID_CIDR: "300.1.1.1"');
  });
});

describe('ipInCidrList', () => {
  const list = parseCidrList('1.2.3.0/24, 2001:db8::/32, 9.9.9.9');

  it('matches addresses inside a block and refuses those outside', () => {
    expect(ipInCidrList('1.2.3.200', list)).toBe(true);
    expect(ipInCidrList('1.2.4.1', list)).toBe(false);
    expect(ipInCidrList('9.9.9.9', list)).toBe(true);
    expect(ipInCidrList('9.9.9.10', list)).toBe(false);
  });

  it('matches IPv6 clients against IPv6 blocks', () => {
    expect(ipInCidrList('2001:db8:1::5', list)).toBe(true);
    expect(ipInCidrList('2001:db9::5', list)).toBe(false);
  });

  it('matches an IPv4-mapped IPv6 client against an IPv4 block', () => {
    expect(ipInCidrList('::ffff:1.2.3.4', list)).toBe(true);
    expect(ipInCidrList('::ffff:102:304', list)).toBe(true);
    expect(ipInCidrList('::ffff:1.2.4.4', list)).toBe(false);
  });

  it('matches an IPv4 client against a block written in IPv4-mapped form', () => {
    expect(ipInCidrList('5.6.7.8', parseCidrList('::ffff:5.6.7.0/120'))).toBe(true);
  });

  it('never matches an unparsable client address', () => {
    expect(ipInCidrList('not-an-ip', parseCidrList('0.0.0.0/0, ::/0'))).toBe(false);
  });

  it('matches nothing against an empty list', () => {
    expect(ipInCidrList('1.2.3.4', [])).toBe(false);
  });

  it('keeps IPv4 and IPv6 apart for addresses that are not mapped', () => {
    expect(ipInCidrList('::1', parseCidrList('0.0.0.0/0'))).toBe(false);
    expect(ipInCidrList('127.0.0.1', parseCidrList('::/0'))).toBe(false);
  });
});

describe('parseIp', () => {
  it('accepts canonical literals and refuses legacy IPv4 spellings', () => {
    expect(parseIp('8.8.8.8')?.toString()).toBe('8.8.8.8');
    expect(parseIp('::1')?.kind()).toBe('ipv6');
    expect(parseIp('010.0.0.1')).toBeUndefined();
    expect(parseIp('167772161')).toBeUndefined();
  });

  it('unmaps IPv4-mapped addresses and leaves others alone', () => {
    expect(unmapIp(parseIp('::ffff:10.0.0.1')!).toString()).toBe('10.0.0.1');
    expect(unmapIp(parseIp('2001:db8::1')!).kind()).toBe('ipv6');
  });
});
