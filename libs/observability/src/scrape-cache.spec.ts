import { ScrapeCache } from './scrape-cache';

/** A load the test settles by hand. */
function controlledLoad() {
  const calls: { resolve(value: number): void; reject(error: Error): void }[] = [];
  const load = () =>
    new Promise<number>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { load, calls };
}

describe('ScrapeCache', () => {
  it('serves a loaded value until it is older than the TTL', async () => {
    let n = 0;
    const cache = new ScrapeCache(() => Promise.resolve(++n), { ttlMs: 60_000, timeoutMs: 1_000 });
    expect(await cache.get()).toBe(1);
    expect(await cache.get()).toBe(1);
    cache.expire();
    expect(await cache.get()).toBe(2);
  });

  it('shares one pending load between concurrent scrapes', async () => {
    const { load, calls } = controlledLoad();
    const cache = new ScrapeCache(load, { ttlMs: 60_000, timeoutMs: 1_000 });
    const first = cache.get();
    const second = cache.get();
    expect(calls).toHaveLength(1);
    calls[0].resolve(7);
    await expect(Promise.all([first, second])).resolves.toEqual([7, 7]);
  });

  it('gives up waiting after the timeout but starts no second load while the first is pending', async () => {
    const { load, calls } = controlledLoad();
    const cache = new ScrapeCache(load, { ttlMs: 60_000, timeoutMs: 20, abandonAfterMs: 60_000 });
    await expect(cache.get()).rejects.toThrow('no answer within 20 ms');
    await expect(cache.get()).rejects.toThrow('no answer within 20 ms');
    expect(calls).toHaveLength(1);
    // The late answer is kept for the next scrape.
    calls[0].resolve(5);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(cache.get()).resolves.toBe(5);
    expect(calls).toHaveLength(1);
  });

  it('starts a fresh load once a pending one is older than abandonAfterMs', async () => {
    const { load, calls } = controlledLoad();
    const cache = new ScrapeCache(load, { ttlMs: 60_000, timeoutMs: 5, abandonAfterMs: 10 });
    await expect(cache.get()).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 15));
    const retried = cache.get();
    expect(calls).toHaveLength(2);
    calls[1].resolve(9);
    await expect(retried).resolves.toBe(9);
    // The abandoned load answering late does not overwrite the fresher value.
    calls[0].resolve(1);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(cache.get()).resolves.toBe(9);
  });

  it('does not cache a failure: the next scrape loads again', async () => {
    const { load, calls } = controlledLoad();
    const cache = new ScrapeCache(load, { ttlMs: 60_000, timeoutMs: 1_000 });
    const failed = cache.get();
    calls[0].reject(new Error('boom'));
    await expect(failed).rejects.toThrow('boom');
    await new Promise((resolve) => setImmediate(resolve));
    const again = cache.get();
    expect(calls).toHaveLength(2);
    calls[1].resolve(3);
    await expect(again).resolves.toBe(3);
  });
});
