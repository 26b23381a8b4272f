import { BSON, Long } from 'bson';
import { CommandError } from './errors';
import type { Doc } from './values';

/** MongoDB's default first batch for find and aggregate. */
const DEFAULT_FIRST_BATCH = 101;
/** Batches stop growing past this, like the server's 16 MiB reply budget. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** The server's cursorTimeoutMillis default. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  position: number;
  lastUsed: number;
  /** noCursorTimeout: never reaped for idleness, only killed or exhausted. */
  keepAlive: boolean;
}

export interface FirstBatch {
  cursor: { firstBatch: Doc[]; id: Long; ns: string };
}

export interface NextBatch {
  cursor: { nextBatch: Doc[]; id: Long; ns: string };
}

/** Server-wide cursors: a getMore may arrive on any connection of the pool. */
export class CursorRegistry {
  private readonly open = new Map<number, OpenCursor>();
  // A random start keeps ids from a previous stand-in on the same port from hitting new cursors.
  private nextId = 1 + Math.floor(Math.random() * 1_000_000) * 1000;

  /** First batch of a result; the rest stays open unless it fits or the client asked for one batch. */
  first(
    ns: string,
    docs: Doc[],
    options: { batchSize?: unknown; singleBatch?: boolean; noCursorTimeout?: boolean },
  ): FirstBatch {
    const batchSize = typeof options.batchSize === 'number' ? options.batchSize : DEFAULT_FIRST_BATCH;
    if (batchSize < 0)
      throw new CommandError(
        51024,
        'Location51024',
        `BSON field 'batchSize' value must be >= 0, actual value '${batchSize}'`,
      );
    const cursor: OpenCursor = {
      ns,
      docs,
      position: 0,
      lastUsed: Date.now(),
      keepAlive: options.noCursorTimeout === true,
    };
    const firstBatch = takeBatch(cursor, batchSize);
    let id = 0;
    if (!options.singleBatch && cursor.position < docs.length) {
      id = this.nextId++;
      this.open.set(id, cursor);
    }
    // Cursor ids must be int64 on the wire: drivers reject an int32 id.
    return { cursor: { firstBatch, id: Long.fromNumber(id), ns } };
  }

  /** `ns` is the one the getMore names: a cursor only answers for the namespace it was opened on. */
  getMore(id: number, ns: string, batchSize: unknown): NextBatch {
    const cursor = this.open.get(id);
    if (!cursor) throw new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`);
    if (cursor.ns !== ns) {
      throw new CommandError(
        13,
        'Unauthorized',
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    cursor.lastUsed = Date.now();
    const size = typeof batchSize === 'number' && batchSize > 0 ? batchSize : Infinity;
    const nextBatch = takeBatch(cursor, size);
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) this.open.delete(id);
    return { cursor: { nextBatch, id: Long.fromNumber(exhausted ? 0 : id), ns: cursor.ns } };
  }

  kill(ids: number[]): { killed: number[]; notFound: number[] } {
    const killed = ids.filter((id) => this.open.delete(id));
    return { killed, notFound: ids.filter((id) => !killed.includes(id)) };
  }

  /** Drops cursors a client abandoned, as the server does after cursorTimeoutMillis. */
  reap(now: number): void {
    for (const [id, cursor] of this.open) {
      if (!cursor.keepAlive && now - cursor.lastUsed > IDLE_TIMEOUT_MS) this.open.delete(id);
    }
  }
}

function takeBatch(cursor: OpenCursor, maxDocs: number): Doc[] {
  const batch: Doc[] = [];
  let bytes = 0;
  while (batch.length < maxDocs && cursor.position < cursor.docs.length) {
    const doc = cursor.docs[cursor.position];
    const size = BSON.calculateObjectSize(doc);
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    bytes += size;
    batch.push(doc);
    cursor.position += 1;
  }
  return batch;
}
