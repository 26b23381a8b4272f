import { Model, QueryFilter, Types } from 'mongoose';

/** How the sweeper claims overdue work (DESIGN §7). */
export interface SweepClaimOptions {
  /** Only work overdue by more than this is claimed: a job about to fire is left alone. Default 30 s. */
  graceMs?: number;
  /** A claimed item's `nextAttemptAt` moves this far ahead, so the next sweep skips it unless it is lost again. Default 5 min. */
  leaseMs?: number;
}

export const DEFAULT_SWEEP_GRACE_MS = 30_000;
export const DEFAULT_SWEEP_LEASE_MS = 5 * 60_000;

/**
 * Claims up to `limit` documents matching `due` whose `nextAttemptAt` ≤ now − grace, oldest first, one
 * `findOneAndUpdate` each: every claim pushes `nextAttemptAt` past the lease, so concurrent sweepers never
 * claim the same document in the same lease.
 */
export async function claimDue<TDoc extends { _id: Types.ObjectId; nextAttemptAt?: Date }>(
  model: Model<TDoc>,
  due: QueryFilter<TDoc>,
  now: Date,
  limit: number,
  options: SweepClaimOptions,
): Promise<string[]> {
  const dueBefore = new Date(now.getTime() - (options.graceMs ?? DEFAULT_SWEEP_GRACE_MS));
  const leaseUntil = new Date(now.getTime() + (options.leaseMs ?? DEFAULT_SWEEP_LEASE_MS));
  const claimed: string[] = [];
  while (claimed.length < limit) {
    const doc = await model
      .findOneAndUpdate(
        { $and: [due, { nextAttemptAt: { $lte: dueBefore } }] } as QueryFilter<TDoc>,
        { $set: { nextAttemptAt: leaseUntil } },
        { sort: { nextAttemptAt: 1 }, projection: { _id: 1 }, returnDocument: 'after' },
      )
      .lean<{ _id: Types.ObjectId }>()
      .exec();
    if (!doc) {
      break;
    }
    claimed.push(doc._id.toHexString());
  }
  return claimed;
}
