import calculateSlot from 'cluster-key-slot';

/*
 * Partitioned queues. BullMQ keeps every key of one queue in one Redis hash slot, so on a Redis Cluster
 * one queue lives on one primary. To use every primary, each queue kind (attribution, delivery,
 * delivery-retry) is split into K partitions (`QUEUE_PARTITIONS`), each under a key prefix with a hash
 * tag of its own — `{ricochet-p0-…}`, `{ricochet-p1-…}` … — so the cluster places the partitions on its
 * primaries by the tags' slots. Tags are chosen so their slots are evenly spaced (see
 * {@link spreadTag}): a cluster whose primaries hold equal slot ranges, as `redis-cli --cluster create`
 * makes them, then gets an equal share of the partitions each, where K plain tags land unevenly.
 *
 * A job's partition is a stable hash of its job id (FNV-1a, 32 bits, modulo K). Job ids are one per unit
 * of work (see `JobIds`), so every enqueue of the same work — the intake's add, the sweeper's and a
 * replay's `ensureJob` — finds the same partition, and a live job is never doubled across partitions.
 * All jobs of one postback, conversion or delivery therefore share a partition as long as K does not
 * change; order between them comes from MongoDB's conditional updates, never from queue order (each
 * partition runs many jobs at once anyway).
 *
 * One partition on a single server or Sentinel keeps the plain prefix (`ricochet`), so the keys are
 * the ones earlier versions wrote and an upgrade finds its queued jobs.
 */

/** Hash slots of a Redis Cluster. */
export const CLUSTER_SLOTS = 16_384;

/** The key prefix of each partition, index = partition number. */
export function partitionPrefixes(prefix: string, partitions: number, cluster: boolean): string[] {
  if (partitions === 1 && !cluster) return [prefix];
  return Array.from({ length: partitions }, (_, i) => `{${spreadTag(prefix, i, partitions)}}`);
}

/**
 * The hash tag of partition `i` of `k`: `<prefix>-p<i>-<n>` with the smallest n whose slot lies in the
 * middle half of the i-th k-th of the slot space. Deterministic, so every process (and version) derives
 * the same tags; the middle half keeps each tag clear of the boundaries of equal slot ranges.
 */
export function spreadTag(prefix: string, i: number, k: number): string {
  const width = CLUSTER_SLOTS / k;
  const low = i * width + width / 4;
  const high = i * width + (3 * width) / 4;
  for (let n = 0; ; n += 1) {
    const tag = `${prefix}-p${i}-${n}`;
    const slot = calculateSlot(tag);
    if (slot >= low && slot < high) return tag;
  }
}

/** The partition of a job id: FNV-1a of its UTF-16 code units, modulo `partitions`. Stable forever. */
export function partitionOf(jobId: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < jobId.length; i += 1) {
    hash ^= jobId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/**
 * A process's concurrency for one queue kind shared by its K partition workers: each gets an equal
 * share, at least 1. The configured figure stays the process's total (within K-1 of it).
 */
export function partitionConcurrency(total: number, partitions: number): number {
  return Math.max(1, Math.ceil(total / partitions));
}
