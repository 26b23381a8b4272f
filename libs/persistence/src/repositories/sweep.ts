import { Model, QueryFilter, Types, UpdateQuery } from 'mongoose';

/** How the sweeper claims overdue work. */
export interface SweepClaimOptions {
  /** Only work overdue by more than this is claimed: a job about to fire is left alone. Default 30 s. */
  graceMs?: number;
  /** A claimed item's `nextAttemptAt` moves this far ahead, so the next sweep skips it unless it is lost again. Default 2 min. */
  leaseMs?: number;
}

export const DEFAULT_SWEEP_GRACE_MS = 30_000;
export const DEFAULT_SWEEP_LEASE_MS = 2 * 60_000;

/**
 * Claims up to `limit` documents matching `due` whose deadline (`nextAttemptAt` unless told) ≤ now − grace, oldest first, one
 * `findOneAndUpdate` each: every claim pushes `nextAttemptAt` past the lease, so concurrent sweepers never
 * claim the same document in the same lease.
 */
export async function claimDue<TDoc extends { _id: Types.ObjectId }, TClaimed = { _id: Types.ObjectId }>(
  model: Model<TDoc>,
  due: QueryFilter<TDoc>,
  now: Date,
  limit: number,
  options: SweepClaimOptions,
  claim: { deadlineField?: string; projection?: Record<string, 1> } = {},
): Promise<Array<TClaimed & { _id: Types.ObjectId }>> {
  const deadlineField = claim.deadlineField ?? 'nextAttemptAt';
  const dueBefore = new Date(now.getTime() - (options.graceMs ?? DEFAULT_SWEEP_GRACE_MS));
  const leaseUntil = new Date(now.getTime() + (options.leaseMs ?? DEFAULT_SWEEP_LEASE_MS));
  const claimed: Array<TClaimed & { _id: Types.ObjectId }> = [];
  while (claimed.length < limit) {
    const doc = await model
      .findOneAndUpdate(
        { $and: [due, { [deadlineField]: { $lte: dueBefore } }] } as QueryFilter<TDoc>,
        { $set: { [deadlineField]: leaseUntil } } as UpdateQuery<TDoc>,
        {
          sort: { [deadlineField]: 1 },
          projection: { _id: 1, ...claim.projection },
          returnDocument: 'after',
        },
      )
      .lean<TClaimed & { _id: Types.ObjectId }>()
      .exec();
    if (!doc) {
      break;
    }
    claimed.push(doc);
  }
  return claimed;
}
