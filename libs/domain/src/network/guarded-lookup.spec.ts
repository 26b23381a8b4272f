import type { LookupAddress, LookupAllOptions, LookupOptions } from 'node:dns';
import { parseCidrList } from './cidr';
import { ForbiddenDestinationError } from './forbidden-destination.error';
import { type LookupAllFunction, makeGuardedLookup } from './guarded-lookup';

type Result = { err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function fakeLookup(table: Record<string, LookupAddress[] | NodeJS.ErrnoException>): {
  lookup: LookupAllFunction;
  calls: Array<{ hostname: string; options: LookupAllOptions }>;
} {
  const calls: Array<{ hostname: string; options: LookupAllOptions }> = [];
  const lookup: LookupAllFunction = (hostname, options, callback) => {
    calls.push({ hostname, options });
    const entry = table[hostname];
    // Async like the real resolver, so callers cannot rely on a synchronous callback.
    setImmediate(() => (Array.isArray(entry) ? callback(null, entry) : callback(entry ?? null, [])));
  };
  return { lookup, calls };
}

function run(
  guarded: ReturnType<typeof makeGuardedLookup>,
  hostname: string,
  options: LookupOptions,
): Promise<Result> {
  return new Promise((resolve) => {
    guarded(hostname, options, (err, address, family) => resolve({ err, address, family }));
  });
}

const PUBLIC_V4: LookupAddress = { address: '93.184.215.14', family: 4 };
const PUBLIC_V6: LookupAddress = { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 };

describe('makeGuardedLookup', () => {
  const strict = { allowPrivate: false, allowlist: [] };

  it('returns the checked first address and its family for a single-address lookup', async () => {
    const { lookup } = fakeLookup({ 'partner.example.com': [PUBLIC_V4, PUBLIC_V6] });
    const result = await run(makeGuardedLookup({ ...strict, lookup }), 'partner.example.com', {});
    expect(result).toEqual({ err: null, address: '93.184.215.14', family: 4 });
  });

  it('returns every checked address when Node asks for all of them (happy eyeballs)', async () => {
    const { lookup } = fakeLookup({ 'partner.example.com': [PUBLIC_V4, PUBLIC_V6] });
    const result = await run(makeGuardedLookup({ ...strict, lookup }), 'partner.example.com', { all: true });
    expect(result.err).toBeNull();
    expect(result.address).toEqual([PUBLIC_V4, PUBLIC_V6]);
  });

  it('always resolves all addresses and passes the caller options through', async () => {
    const { lookup, calls } = fakeLookup({ 'partner.example.com': [PUBLIC_V4] });
    await run(makeGuardedLookup({ ...strict, lookup }), 'partner.example.com', { family: 4, hints: 32 });
    expect(calls).toEqual([
      { hostname: 'partner.example.com', options: { family: 4, hints: 32, all: true } },
    ]);
  });

  it('refuses a name that resolves to a private address', async () => {
    const { lookup } = fakeLookup({ 'intranet.example.com': [{ address: '10.0.0.7', family: 4 }] });
    const result = await run(makeGuardedLookup({ ...strict, lookup }), 'intranet.example.com', {});
    expect(result.err).toBeInstanceOf(ForbiddenDestinationError);
    expect(result.err).toMatchObject({
      code: 'SSRF_ADDRESS',
      address: '10.0.0.7',
      errorClass: 'ssrf_blocked',
    });
    expect(result.err?.message).toMatch(/intranet\.example\.com resolves to 10\.0\.0\.7.*private/);
  });

  it('refuses the whole name when any one of its addresses is forbidden (rebinding via mixed records)', async () => {
    const { lookup } = fakeLookup({
      'mixed.example.com': [PUBLIC_V4, { address: '169.254.169.254', family: 4 }],
    });
    const result = await run(makeGuardedLookup({ ...strict, lookup }), 'mixed.example.com', { all: true });
    expect(result.err).toBeInstanceOf(ForbiddenDestinationError);
    expect(result.address).toEqual([]);
  });

  it('refuses an IPv6 answer that embeds a forbidden IPv4 address', async () => {
    const { lookup } = fakeLookup({ 'nat64.example.com': [{ address: '64:ff9b::7f00:1', family: 6 }] });
    const result = await run(makeGuardedLookup({ ...strict, lookup }), 'nat64.example.com', {});
    expect(result.err?.message).toMatch(/NAT64 127\.0\.0\.1: loopback/);
  });

  it('re-checks on every call, so a name that rebinds to a private address is caught', async () => {
    let answer: LookupAddress = PUBLIC_V4;
    const lookup: LookupAllFunction = (_h, _o, cb) => setImmediate(() => cb(null, [answer]));
    const guarded = makeGuardedLookup({ ...strict, lookup });
    expect((await run(guarded, 'rebind.example.com', {})).err).toBeNull();
    answer = { address: '127.0.0.1', family: 4 };
    expect((await run(guarded, 'rebind.example.com', {})).err).toBeInstanceOf(ForbiddenDestinationError);
  });

  it('passes resolver errors through unchanged so they stay retryable', async () => {
    const notFound: NodeJS.ErrnoException = Object.assign(new Error('getaddrinfo ENOTFOUND nx.example'), {
      code: 'ENOTFOUND',
    });
    const { lookup } = fakeLookup({ 'nx.example': notFound });
    const result = await run(makeGuardedLookup({ ...strict, lookup }), 'nx.example', {});
    expect(result.err).toBe(notFound);
  });

  it('reports ENOTFOUND when the resolver returns no address at all', async () => {
    const { lookup } = fakeLookup({ 'empty.example': [] });
    const result = await run(makeGuardedLookup({ ...strict, lookup }), 'empty.example', { all: true });
    expect(result.err?.code).toBe('ENOTFOUND');
  });

  it('lets loopback through when allowPrivate is set, for local installs and tests', async () => {
    const { lookup } = fakeLookup({ localhost: [{ address: '127.0.0.1', family: 4 }] });
    const result = await run(
      makeGuardedLookup({ allowPrivate: true, allowlist: [], lookup }),
      'localhost',
      {},
    );
    expect(result).toEqual({ err: null, address: '127.0.0.1', family: 4 });
  });

  it('keeps metadata closed when allowPrivate is set', async () => {
    const { lookup } = fakeLookup({ 'meta.example': [{ address: '169.254.169.254', family: 4 }] });
    const result = await run(
      makeGuardedLookup({ allowPrivate: true, allowlist: [], lookup }),
      'meta.example',
      {},
    );
    expect(result.err).toBeInstanceOf(ForbiddenDestinationError);
  });

  it('lets an allowlisted private address through', async () => {
    const { lookup } = fakeLookup({ 'svc.internal': [{ address: '10.9.8.7', family: 4 }] });
    const guarded = makeGuardedLookup({
      allowPrivate: false,
      allowlist: parseCidrList('10.9.0.0/16'),
      lookup,
    });
    expect(await run(guarded, 'svc.internal', {})).toEqual({ err: null, address: '10.9.8.7', family: 4 });
  });
});
