import { type Collection, type CommandStartedEvent, DBRef, MongoClient, ObjectId } from 'mongodb';
import { suiteContext } from '../../support/suite';
import { type ConformanceDb, type Failure, failureOf, openConformanceDb, outcomeOf } from './conformance-db';

const CASE_INSENSITIVE = { locale: 'en', strength: 2 };
/** Passed as `let`: the filter below matches only bob through it. */
const WHO = { who: 'bob' };
const BY_LET = { $expr: { $eq: ['$name', '$$who'] } };
/** Whatever a real server counts where only the stand-in's answer is pinned down. */
const ANY_NUMBER: unknown = expect.any(Number);

/**
 * Each feature here is either done faithfully by the server or refused loudly by the stand-in, never
 * accepted and ignored. Expectations read `conn.standin ? refusal : faithful result`.
 */
describe('conformance: what the stand-in cannot do faithfully, it refuses', () => {
  const ctx = suiteContext('conformance-refusals');
  let conn: ConformanceDb;
  let seq = 0;

  beforeAll(async () => {
    conn = await openConformanceDb(ctx);
  });

  afterAll(async () => {
    await conn.close();
  });

  /** A fresh collection holding alice, Alice and bob (n = 1, 2, 3). */
  async function people(): Promise<Collection> {
    const collection = conn.db.collection(`people_${++seq}`);
    await collection.insertMany([
      { n: 1, name: 'alice' },
      { n: 2, name: 'Alice' },
      { n: 3, name: 'bob' },
    ]);
    return collection;
  }

  describe('transactions', () => {
    it('refuses a transaction, as a standalone does, or isolates it and rolls it back', async () => {
      const ledger = conn.db.collection('ledger');
      const session = conn.client.startSession();
      const result = await (async () => {
        session.startTransaction();
        await ledger.insertOne({ t: 1 }, { session });
        const outside = await ledger.countDocuments({ t: 1 });
        await session.abortTransaction();
        return { value: { outside, afterAbort: await ledger.countDocuments({ t: 1 }) } };
      })().catch((error: Failure) => ({
        // The driver rewords a standalone's code 20 as "does not support retryable writes", keeping the original.
        code: ((error.originalError as Failure | undefined) ?? error).code,
        message: error.message,
      }));
      if (session.inTransaction()) await session.abortTransaction();
      await session.endSession();
      const refused = { code: 20, message: expect.stringContaining('does not support retryable writes') };
      const rolledBack = { value: { outside: 0, afterAbort: 0 } };
      expect(conn.standin ? [refused] : [refused, rolledBack]).toContainEqual(result);
      expect(await ledger.countDocuments()).toBe(0);
    });

    it('refuses commitTransaction and abortTransaction outside a transaction', async () => {
      const admin = conn.client.db('admin');
      const commit = await outcomeOf(admin.command({ commitTransaction: 1 }));
      const abort = await outcomeOf(admin.command({ abortTransaction: 1 }));
      expect(commit).toEqual({ code: conn.standin ? 20 : ANY_NUMBER });
      expect(abort).toEqual({ code: conn.standin ? 20 : ANY_NUMBER });
    });

    it('runs ordinary retryable writes, which a standalone gets without txnNumber', async () => {
      const started: CommandStartedEvent[] = [];
      const client = await MongoClient.connect(ctx.mongoUrl, {
        serverSelectionTimeoutMS: 5000,
        monitorCommands: true,
        retryWrites: true,
      });
      client.on('commandStarted', (event) => started.push(event));
      try {
        const jobs = client.db(ctx.dbName).collection('retryable');
        await jobs.insertOne({ k: 1 });
        await jobs.insertMany([{ k: 2 }, { k: 3 }]);
        await jobs.updateOne({ k: 1 }, { $set: { done: true } });
        await jobs.replaceOne({ k: 2 }, { k: 2, replaced: true });
        await jobs.findOneAndUpdate({ k: 3 }, { $set: { done: true } });
        await jobs.bulkWrite([{ deleteOne: { filter: { k: 3 } } }, { insertOne: { document: { k: 4 } } }]);
        await jobs.deleteOne({ k: 4 });
        expect(await jobs.find({}, { projection: { _id: 0 } }).toArray()).toEqual([
          { k: 1, done: true },
          { k: 2, replaced: true },
        ]);
      } finally {
        await client.close();
      }
      const withTxnNumber = started.filter((event) => event.command.txnNumber !== undefined);
      // A replica set gets txnNumber on retryable writes; a standalone (the stand-in) never does.
      expect(conn.standin ? withTxnNumber : []).toEqual([]);
    });
  });

  describe('collations', () => {
    const refused = { code: 2 };
    it.each<[string, (people: Collection) => Promise<unknown>, unknown]>([
      [
        'find',
        (c) =>
          c
            .find({ name: 'ALICE' }, { collation: CASE_INSENSITIVE })
            .toArray()
            .then((d) => d.length),
        2,
      ],
      ['countDocuments', (c) => c.countDocuments({ name: 'ALICE' }, { collation: CASE_INSENSITIVE }), 2],
      [
        'count',
        (c) =>
          conn.db
            .command({ count: c.collectionName, query: { name: 'ALICE' }, collation: CASE_INSENSITIVE })
            .then((reply) => reply.n as unknown),
        2,
      ],
      ['distinct', (c) => c.distinct('name', {}, { collation: CASE_INSENSITIVE }).then((v) => v.length), 2],
      [
        'aggregate',
        (c) =>
          c
            .aggregate([{ $match: { name: 'ALICE' } }], { collation: CASE_INSENSITIVE })
            .toArray()
            .then((d) => d.length),
        2,
      ],
      [
        'updateMany',
        (c) =>
          c
            .updateMany({ name: 'ALICE' }, { $set: { x: 1 } }, { collation: CASE_INSENSITIVE })
            .then((r) => r.matchedCount),
        2,
      ],
      [
        'deleteMany',
        (c) => c.deleteMany({ name: 'ALICE' }, { collation: CASE_INSENSITIVE }).then((r) => r.deletedCount),
        2,
      ],
      [
        'findOneAndUpdate',
        (c) =>
          c
            .findOneAndUpdate({ name: 'BOB' }, { $set: { x: 1 } }, { collation: CASE_INSENSITIVE })
            .then((d) => d?.n as unknown),
        3,
      ],
      [
        'bulkWrite deleteOne',
        (c) =>
          c
            .bulkWrite([{ deleteOne: { filter: { name: 'BOB' }, collation: CASE_INSENSITIVE } }])
            .then((r) => r.deletedCount),
        1,
      ],
    ])('%s: matches case-insensitively, or is refused', async (_label, run, faithful) => {
      const collection = await people();
      const result = await outcomeOf(run(collection));
      expect(result).toEqual(conn.standin ? refused : { value: faithful });
      // Refused means nothing ran: the stand-in changed no document.
      const untouched = await collection.countDocuments({ x: { $exists: false } });
      expect(conn.standin ? untouched : 3).toBe(3);
    });

    it('enforces a unique index under a strength-2 collation, or refuses to build it', async () => {
      const users = conn.db.collection('users_ci');
      const result = await outcomeOf(
        (async () => {
          await users.createIndex({ email: 1 }, { unique: true, collation: CASE_INSENSITIVE });
          await users.insertOne({ email: 'a@x' });
          return outcomeOf(users.insertOne({ email: 'A@x' }));
        })(),
      );
      expect(result).toEqual(conn.standin ? { code: 67 } : { value: { code: 11000 } });
      const names = (
        await users
          .listIndexes()
          .toArray()
          .catch(() => [])
      ).map((index) => index.name);
      expect(names).not.toContain(conn.standin ? 'email_1' : 'no such index');
    });

    it('gives a collection a default collation, or refuses to create it', async () => {
      const result = await outcomeOf(
        (async () => {
          const words = await conn.db.createCollection('words_ci', { collation: CASE_INSENSITIVE });
          await words.insertMany([{ w: 'a' }, { w: 'A' }]);
          return words.countDocuments({ w: 'a' });
        })(),
      );
      expect(result).toEqual(conn.standin ? refused : { value: 2 });
    });

    it('accepts the simple collation, which compares strings binary-wise', async () => {
      const collection = await people();
      const simple = { locale: 'simple' };
      expect(await collection.countDocuments({ name: 'ALICE' }, { collation: simple })).toBe(0);
      expect(await collection.countDocuments({ name: 'alice' }, { collation: simple })).toBe(1);
      const exact = conn.db.collection('users_simple');
      await exact.createIndex({ email: 1 }, { unique: true, collation: simple });
      await exact.insertMany([{ email: 'a@x' }, { email: 'A@x' }]);
      expect((await failureOf(exact.insertOne({ email: 'a@x' }))).code).toBe(11000);
    });
  });

  describe('let (command-level variables)', () => {
    const refused = { code: 2 };
    it.each<[string, (people: Collection) => Promise<unknown>, unknown]>([
      [
        'find',
        (c) =>
          c
            .find(BY_LET, { let: WHO })
            .toArray()
            .then((d) => d.map((doc) => doc.n as unknown)),
        [3],
      ],
      [
        'aggregate',
        (c) =>
          c
            .aggregate([{ $match: BY_LET }], { let: WHO })
            .toArray()
            .then((d) => d.map((doc) => doc.n as unknown)),
        [3],
      ],
      [
        'updateMany',
        (c) => c.updateMany(BY_LET, { $set: { x: 1 } }, { let: WHO }).then((r) => r.matchedCount),
        1,
      ],
      ['deleteMany', (c) => c.deleteMany(BY_LET, { let: WHO }).then((r) => r.deletedCount), 1],
      ['findOneAndDelete', (c) => c.findOneAndDelete(BY_LET, { let: WHO }).then((d) => d?.n as unknown), 3],
    ])('%s: evaluates $$variables from let, or is refused', async (_label, run, faithful) => {
      const collection = await people();
      expect(await outcomeOf(run(collection))).toEqual(conn.standin ? refused : { value: faithful });
      expect(await collection.countDocuments({ x: { $exists: false } })).toEqual(
        conn.standin ? 3 : ANY_NUMBER,
      );
    });
  });

  describe('sort on update statements (MongoDB 8.0)', () => {
    it.each<[string, (people: Collection) => Promise<unknown>]>([
      ['updateOne', (c) => c.updateOne({}, { $set: { picked: true } }, { sort: { n: -1 } })],
      ['replaceOne', (c) => c.replaceOne({}, { n: 3, picked: true }, { sort: { n: -1 } })],
    ])('%s: updates the first document in sort order, or is refused as on 7.0', async (_label, run) => {
      const collection = await people();
      const result = await outcomeOf(run(collection).then(() => collection.findOne({ picked: true })));
      const refusedAs70 = { code: 40415 };
      const faithful = { value: expect.objectContaining({ n: 3, picked: true }) };
      expect(conn.standin ? [refusedAs70] : [refusedAs70, faithful]).toContainEqual(result);
      expect(await collection.countDocuments({ picked: true })).toEqual(conn.standin ? 0 : ANY_NUMBER);
    });
  });

  describe('$-prefixed fields in _id', () => {
    it('refuses them in an inserted document, at any depth', async () => {
      const ids = conn.db.collection<{ _id: unknown; n?: number }>('dollar_ids');
      const flat = await failureOf(ids.insertOne({ _id: { $a: 1 } }));
      expect(flat).toMatchObject({ code: 52 });
      expect(flat.message).toContain(
        "_id fields may not contain '$'-prefixed fields: $a is not valid for storage",
      );
      expect((await failureOf(ids.insertOne({ _id: { a: { $b: 1 } } }))).code).toBe(52);
      expect(await ids.countDocuments()).toBe(0);
    });

    it('reports them per document in an unordered batch and inserts the rest', async () => {
      const ids = conn.db.collection<{ _id: unknown; n?: number }>('dollar_batch');
      const error = await failureOf(
        ids.insertMany([{ _id: 1 }, { _id: { $a: 1 } }, { _id: 2 }], { ordered: false }),
      );
      expect(
        [error.writeErrors].flat().map((e) => [(e as { index: number }).index, (e as { code: number }).code]),
      ).toEqual([[1, 52]]);
      expect(await ids.countDocuments()).toBe(2);
    });

    it('refuses them in an upserted replacement', async () => {
      const ids = conn.db.collection<{ _id: unknown; n?: number }>('dollar_upsert');
      // The driver's types keep _id out of a replacement; the server decides what it makes of one.
      const replacement = { _id: { $a: 1 }, n: 1 } as { n: number };
      const error = await failureOf(ids.replaceOne({ n: 1 }, replacement, { upsert: true }));
      expect(error.code).toBe(52);
      expect(await ids.countDocuments()).toBe(0);
    });

    it('accepts a DBRef as _id', async () => {
      const ids = conn.db.collection<{ _id: unknown; n?: number }>('dbref_ids');
      await ids.insertOne({ _id: new DBRef('other', new ObjectId()) });
      expect(await ids.countDocuments()).toBe(1);
    });
  });
});
