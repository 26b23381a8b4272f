import type {
  AnyBulkWriteOperation,
  Collection,
  Document,
  Filter,
  MongoBulkWriteError,
  UpdateFilter,
  WriteConcern,
  WriteError,
} from 'mongodb';

/** How a batched insert of one document ended. */
export type InsertResult = { ok: true } | { ok: false; error: unknown };

/**
 * Coalesces single-document inserts issued in the same event-loop turn into one unordered `insertMany`,
 * on the hot paths where many requests write at once ("batch where it is safe"). Each caller
 * still learns the fate of its own document: it resolves only after the batch is acknowledged with the
 * given write concern, and a per-document error (a duplicate key) fails only that document.
 */
export class InsertBatcher {
  private pending: Array<{ doc: Document; settle: (result: InsertResult) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly collection: () => Collection,
    private readonly options: { writeConcern?: WriteConcern; maxBatch?: number } = {},
  ) {}

  insert(doc: Document): Promise<InsertResult> {
    return new Promise((settle) => {
      this.pending.push({ doc, settle });
      if (this.pending.length >= (this.options.maxBatch ?? 256)) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.collection()
      .insertMany(
        batch.map((item) => item.doc),
        { ordered: false, writeConcern: this.options.writeConcern },
      )
      .then(
        () => batch.forEach((item) => item.settle({ ok: true })),
        (error: unknown) => {
          const failed = perDocumentErrors(error);
          // Without per-document errors the whole batch failed (network, server down): each caller fails.
          batch.forEach((item, index) =>
            item.settle(
              failed === undefined || failed.has(index)
                ? { ok: false, error: failed?.get(index) ?? error }
                : { ok: true },
            ),
          );
        },
      );
  }
}

function perDocumentErrors(error: unknown): Map<number, unknown> | undefined {
  const writeErrors = (error as Partial<MongoBulkWriteError>).writeErrors;
  if (writeErrors === undefined) return undefined;
  const list = ([] as WriteError[]).concat(writeErrors);
  if (list.length === 0) return undefined;
  return new Map(list.map((writeError) => [writeError.index, writeError]));
}

/**
 * Coalesces single-document updates issued in the same event-loop turn into one unordered `bulkWrite`
 * (the worker settles many postbacks and deliveries at once under load). Each caller resolves once the
 * batch is acknowledged; a failed batch fails every caller in it, so nobody mistakes an unacknowledged
 * update for a written one.
 */
export class UpdateBatcher {
  private pending: Array<{
    op: AnyBulkWriteOperation;
    resolve: () => void;
    reject: (error: unknown) => void;
  }> = [];
  private scheduled = false;

  constructor(
    private readonly collection: () => Collection,
    private readonly maxBatch = 256,
  ) {}

  updateOne(filter: Filter<Document>, update: UpdateFilter<Document>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ op: { updateOne: { filter, update } }, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.collection()
      .bulkWrite(
        batch.map((item) => item.op),
        { ordered: false },
      )
      .then(
        () => batch.forEach((item) => item.resolve()),
        (error: unknown) => batch.forEach((item) => item.reject(error)),
      );
  }
}
