import { JobIds } from './job-ids';
import { CLUSTER_SLOTS, partitionConcurrency, partitionOf, partitionPrefixes } from './queue-partitions';
import calculateSlot from 'cluster-key-slot';

describe('queue partitions', () => {
  it('keeps the plain prefix for one partition on one server, and hash-tags every other case', () => {
    expect(partitionPrefixes('ricochet', 1, false)).toEqual(['ricochet']);
    expect(partitionPrefixes('ricochet', 1, true)).toEqual([expect.stringMatching(/^\{ricochet-p0-\d+\}$/)]);
    const tags = partitionPrefixes('rc', 3, false);
    expect(tags).toHaveLength(3);
    tags.forEach((tag, i) => expect(tag).toMatch(new RegExp(`^\\{rc-p${i}-\\d+\\}$`)));
    // Deterministic: every process derives the same tags.
    expect(partitionPrefixes('rc', 3, true)).toEqual(tags);
  });

  it('spaces the partitions’ slots evenly, so equal slot ranges get equal shares of partitions', () => {
    for (const [prefix, k, primaries] of [
      ['ricochet', 6, 3],
      ['bench-e2e', 6, 3],
      ['ricochet', 12, 4],
      ['x', 64, 16],
    ] as const) {
      const slots = partitionPrefixes(prefix, k, true).map((tag) => calculateSlot(tag));
      // A key's slot is its tag's slot: the queue's keys follow the prefix.
      expect(calculateSlot(`${partitionPrefixes(prefix, k, true)[0]}:attribution:wait`)).toBe(slots[0]);
      const perPrimary = new Array<number>(primaries).fill(0);
      for (const slot of slots) perPrimary[Math.floor(slot / (CLUSTER_SLOTS / primaries))] += 1;
      expect(perPrimary).toEqual(new Array<number>(primaries).fill(k / primaries));
    }
  });

  it('maps a job id to the same partition forever (FNV-1a), whatever process asks', () => {
    // Fixed values: a change here would send the sweeper's ensureJob to another partition than the
    // intake's add after an upgrade, and a live job could be doubled.
    const ids = [JobIds.attribution('665f1c2e8b3d4a0012345678'), JobIds.delivery('abc'), JobIds.plan('x')];
    expect(ids.map((id) => partitionOf(id, 6))).toEqual([0, 0, 3]);
    expect(ids.map((id) => partitionOf(id, 16))).toEqual([12, 2, 13]);
    expect(partitionOf('', 6)).toBe(0x811c9dc5 % 6);
    expect(partitionOf('a', 1_000_000)).toBe(0xe40c292c % 1_000_000);
    expect(partitionOf('anything', 1)).toBe(0);
  });

  it('spreads job ids evenly over the partitions', () => {
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i += 1)
      counts[partitionOf(JobIds.delivery(`64f${i.toString(16).padStart(21, '0')}`), 6)] += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(600);
  });

  it('shares a process’s concurrency among its partitions, at least one each', () => {
    expect(partitionConcurrency(100, 1)).toBe(100);
    expect(partitionConcurrency(100, 6)).toBe(17);
    expect(partitionConcurrency(2, 6)).toBe(1);
  });
});
