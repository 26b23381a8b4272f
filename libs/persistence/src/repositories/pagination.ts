import { Model, QueryFilter, Types } from 'mongoose';
import { InvalidCursorError } from '../persistence.errors';
import type { AdminReadPreference } from '../persistence.options';
import { parseObjectId } from './object-id';

/** Newest first, `limit` items after `cursor` (a `nextCursor` from the previous page). */
export interface PageRequest {
  cursor?: string;
  /** 1…{@link MAX_PAGE_LIMIT}; default {@link DEFAULT_PAGE_LIMIT}. Out-of-range values are clamped. */
  limit?: number;
  /**
   * Read this page from the primary whatever the admin read preference: for callers that act on what they
   * read (a backfill run writes deliveries for the conversions it lists) and must not see a lagging
   * secondary's past.
   */
  fromPrimary?: boolean;
}

/** How {@link paginate} reads: the repositories pass their configured admin read preference. */
export interface PageReads {
  /** Default `primary`. */
  readPreference?: AdminReadPreference;
}

export interface Page<T> {
  items: T[];
  /** Present only when another page exists. */
  nextCursor?: string;
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) {
    return DEFAULT_PAGE_LIMIT;
  }
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.trunc(limit)));
}

/**
 * Pages a collection by `_id` descending. ObjectIds grow with time, so this is "newest first" without a
 * second sort key, and the cursor (the last `_id` in hex) stays valid while documents are inserted.
 * Admin listings may read from a secondary (`reads.readPreference`); a secondary's page can lag the primary
 * by the replication delay.
 */
export async function paginate<TDoc extends { _id: Types.ObjectId }, TRecord>(
  model: Model<TDoc>,
  filter: QueryFilter<TDoc>,
  page: PageRequest,
  toRecord: (doc: TDoc) => TRecord,
  reads: PageReads = {},
): Promise<Page<TRecord>> {
  const limit = pageLimit(page.limit);
  const query: QueryFilter<TDoc> =
    page.cursor === undefined ? filter : { $and: [filter, { _id: { $lt: decodeCursor(page.cursor) } }] };
  const docs = await model
    .find(query)
    .read(page.fromPrimary ? 'primary' : (reads.readPreference ?? 'primary'))
    .sort({ _id: -1 })
    .limit(limit + 1)
    .lean<TDoc[]>()
    .exec();
  const items = docs.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toRecord),
    ...(docs.length > limit && last ? { nextCursor: last._id.toHexString() } : {}),
  };
}

function decodeCursor(cursor: string): Types.ObjectId {
  const id = parseObjectId(cursor);
  if (!id) {
    throw new InvalidCursorError(cursor);
  }
  return id;
}
