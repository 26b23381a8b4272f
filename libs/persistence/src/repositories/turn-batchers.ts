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
 * Collects the items submitted in one event-loop turn (or up to `maxBatch`) and sends them as one
 * batch ("batch where it is safe"); each submitter's promise resolves with its own item's result.
 */
abstract class TurnBatcher<Item, Result> {
  private pending: Array<{ item: Item; settle: (result: Result) => void }> = [];
  private scheduled = false;

  protected constructor(private readonly maxBatch: number) {}

  protected submit(item: Item): Promise<Result> {
    return new Promise((settle) => {
      this.pending.push({ item, settle });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Sends one batch; resolves with one result per item, in order. Never rejects. */
  protected abstract send(items: Item[]): Promise<Result[]>;

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    void this.send(batch.map((entry) => entry.item)).then((results) =>
      batch.forEach((entry, index) => entry.settle(results[index])),
    );
  }
}

/**
 * Coalesces single-document inserts issued in the same event-loop turn into one unordered `insertMany`,
 * on the hot paths where many requests write at once. Each caller still learns the fate of its own
 * document: it resolves only after the batch is acknowledged with the given write concern, and a
 * per-document error (a duplicate key) fails only that document.
 */
export class InsertBatcher extends TurnBatcher<Document, InsertResult> {
  constructor(
    private readonly collection: () => Collection,
    private readonly options: { writeConcern?: WriteConcern; maxBatch?: number } = {},
  ) {
    super(options.maxBatch ?? 256);
  }

  insert(doc: Document): Promise<InsertResult> {
    return this.submit(doc);
  }

  protected async send(docs: Document[]): Promise<InsertResult[]> {
    try {
      await this.collection().insertMany(docs, { ordered: false, writeConcern: this.options.writeConcern });
      return docs.map(() => ({ ok: true }));
    } catch (error) {
      const failed = perDocumentErrors(error);
      // Without per-document errors the whole batch failed (network, server down): each caller fails.
      return docs.map((_doc, index) =>
        failed === undefined || failed.has(index)
          ? { ok: false, error: failed?.get(index) ?? error }
          : { ok: true },
      );
    }
  }
}

/**
 * Coalesces single-document updates issued in the same event-loop turn into one unordered `bulkWrite`
 * (the worker settles many postbacks at once under load). Each caller resolves once the batch is
 * acknowledged; a failed batch fails every caller in it, so nobody mistakes an unacknowledged update
 * for a written one.
 */
export class UpdateBatcher extends TurnBatcher<AnyBulkWriteOperation, InsertResult> {
  constructor(
    private readonly collection: () => Collection,
    maxBatch = 256,
  ) {
    super(maxBatch);
  }

  async updateOne(filter: Filter<Document>, update: UpdateFilter<Document>): Promise<void> {
    const result = await this.submit({ updateOne: { filter, update } });
    if (!result.ok) throw result.error;
  }

  protected async send(operations: AnyBulkWriteOperation[]): Promise<InsertResult[]> {
    try {
      await this.collection().bulkWrite(operations, { ordered: false });
      return operations.map(() => ({ ok: true }));
    } catch (error) {
      return operations.map(() => ({ ok: false, error }));
    }
  }
}

/**
 * Coalesces single-document lookups by one unique field (`_id`, or a field with a unique index) issued
 * in the same event-loop turn into one `find({field: {$in: [...]}})`: under load the worker starts many
 * attributions at once, and each would otherwise cost its own round trip. Each caller gets its own
 * document (or null); a failed query fails every caller in it.
 */
export class FindBatcher<Key> extends TurnBatcher<
  Key,
  { ok: true; doc: Document | null } | { ok: false; error: unknown }
> {
  constructor(
    private readonly collection: () => Collection,
    private readonly field: string,
    /** How a key and the stored field's value compare (e.g. an ObjectId's hex string). */
    private readonly keyOf: (value: unknown) => string,
    maxBatch = 256,
  ) {
    super(maxBatch);
  }

  async findOne(key: Key): Promise<Document | null> {
    const result = await this.submit(key);
    if (!result.ok) throw result.error;
    return result.doc;
  }

  protected async send(
    keys: Key[],
  ): Promise<Array<{ ok: true; doc: Document | null } | { ok: false; error: unknown }>> {
    try {
      const filter = keys.length === 1 ? { [this.field]: keys[0] } : { [this.field]: { $in: keys } };
      const docs = await this.collection()
        .find(filter, { batchSize: keys.length, limit: keys.length })
        .toArray();
      const byKey = new Map(docs.map((doc) => [this.keyOf(doc[this.field]), doc]));
      return keys.map((key) => ({ ok: true, doc: byKey.get(this.keyOf(key)) ?? null }));
    } catch (error) {
      return keys.map(() => ({ ok: false, error }));
    }
  }
}

function perDocumentErrors(error: unknown): Map<number, unknown> | undefined {
  const writeErrors = (error as Partial<MongoBulkWriteError>).writeErrors;
  if (writeErrors === undefined) return undefined;
  const list = ([] as WriteError[]).concat(writeErrors);
  if (list.length === 0) return undefined;
  return new Map(list.map((writeError) => [writeError.index, writeError]));
}
