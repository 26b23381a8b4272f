import { type Collection, type Document, Long, MongoClient } from 'mongodb';
import { suiteContext } from '../../support/suite';
import { type ConformanceDb, failureOf, openConformanceDb, outcomeOf } from './conformance-db';

/**
 * Command options: the ones a single in-memory node can honour work as on the server, an unknown one
 * fails like mongod's parser, and the rest are refused by the stand-in instead of being ignored.
 */
describe('conformance: command options are honoured, or refused', () => {
  const ctx = suiteContext('conformance-options');
  let conn: ConformanceDb;
  let items: Collection;

  beforeAll(async () => {
    conn = await openConformanceDb(ctx);
    items = conn.db.collection('items');
    await items.createIndex({ k: 1 }, { name: 'k_1' });
    await items.createIndex({ tag: 1 }, { name: 'tag_sparse', sparse: true });
    await items.insertMany([{ k: 1, tag: 'x' }, { k: 2 }, { k: 3, tag: 'y' }]);
  });

  afterAll(async () => {
    await conn.close();
  });

  const MODIFIED_ONE: unknown = expect.objectContaining({ nModified: 1 });
  const ks = (docs: Document[]): unknown[] => docs.map((doc) => doc.k);

  describe('hint', () => {
    it('follows an existing index, by name or by key pattern', async () => {
      expect(ks(await items.find({ k: { $gte: 2 } }, { hint: 'k_1' }).toArray())).toEqual([2, 3]);
      expect(ks(await items.find({}, { hint: { k: 1 } }).toArray())).toHaveLength(3);
      expect(await items.countDocuments({}, { hint: 'k_1' })).toBe(3);
      const updated = await items.updateOne({ k: 2 }, { $set: { seen: true } }, { hint: { k: 1 } });
      expect(updated.matchedCount).toBe(1);
    });

    it('walks the collection backwards for { $natural: -1 }', async () => {
      expect(ks(await items.find({}, { hint: { $natural: -1 } }).toArray())).toEqual([3, 2, 1]);
      expect(ks(await items.find({}, { hint: { $natural: 1 } }).toArray())).toEqual([1, 2, 3]);
    });

    it.each<[string, (c: Collection) => Promise<unknown>]>([
      ['find', (c) => c.find({}, { hint: 'nope_1' }).toArray()],
      ['countDocuments', (c) => c.countDocuments({}, { hint: { nope: 1 } })],
      ['updateOne', (c) => c.updateOne({ k: 1 }, { $set: { x: 1 } }, { hint: 'nope_1' })],
      ['deleteOne', (c) => c.deleteOne({ k: 1 }, { hint: 'nope_1' })],
      ['findOneAndUpdate', (c) => c.findOneAndUpdate({ k: 1 }, { $set: { x: 1 } }, { hint: { nope: 1 } })],
      ['aggregate', (c) => c.aggregate([{ $match: {} }], { hint: 'nope_1' }).toArray()],
    ])('%s: fails on an index that does not exist', async (_label, run) => {
      const error = await failureOf(run(items));
      expect(error.code).toBe(2);
      expect(error.message).toContain('hint provided does not correspond to an existing index');
      expect(await items.countDocuments({ x: { $exists: true } })).toBe(0);
    });

    it('answers from a hinted sparse index alone, or is refused', async () => {
      const result = await outcomeOf(items.find({}, { hint: 'tag_sparse' }).toArray().then(ks));
      expect(result).toEqual(conn.standin ? { code: 2 } : { value: [1, 3] });
    });
  });

  describe('fields a command does not have', () => {
    it('fails an unknown field like the server parser does', async () => {
      const error = await failureOf(conn.db.command({ find: 'items', filter: {}, frobnicate: 1 }));
      expect(error).toMatchObject({ code: 40415 });
      expect(error.message).toContain("BSON field 'find.frobnicate' is an unknown field");
      const statement = await failureOf(
        conn.db.command({ delete: 'items', deletes: [{ q: { k: 99 }, limit: 0, frobnicate: 1 }] }),
      );
      expect(statement).toMatchObject({ code: 40415 });
    });

    it('fails a delete limit other than 0 or 1', async () => {
      const error = await failureOf(conn.db.command({ delete: 'items', deletes: [{ q: {}, limit: 5 }] }));
      expect(error).toMatchObject({ code: 9 });
      expect(await items.countDocuments()).toBe(3);
    });

    it('requires the cursor option on aggregate', async () => {
      const error = await failureOf(conn.db.command({ aggregate: 'items', pipeline: [] }));
      expect(error).toMatchObject({ code: 9 });
    });

    it('answers getMore only on the namespace its cursor belongs to', async () => {
      const open = await conn.db.command({ find: 'items', filter: {}, batchSize: 1 });
      const id = open.cursor.id as Long;
      const error = await failureOf(conn.db.command({ getMore: id, collection: 'elsewhere' }));
      expect(error).toMatchObject({ code: 13 });
      const more = await conn.db.command({ getMore: id, collection: 'items' });
      expect(more.cursor.nextBatch).toHaveLength(2);
    });

    it('fails a negative maxTimeMS', async () => {
      await expect(conn.db.command({ find: 'items', filter: {}, maxTimeMS: -1 })).rejects.toThrow();
    });
  });

  describe('options with nothing to change on one in-memory node', () => {
    it('accepts comment, maxTimeMS, allowDiskUse, noCursorTimeout, batchSize and w/j write concerns', async () => {
      const found = await items
        .find(
          {},
          { comment: 'why', maxTimeMS: 5000, allowDiskUse: true, noCursorTimeout: true, batchSize: 1 },
        )
        .toArray();
      expect(found).toHaveLength(3);
      const durable = conn.db.collection('durable', {
        writeConcern: { w: 'majority', journal: true, wtimeoutMS: 1000 },
      });
      await durable.insertOne({ a: 1 }, { comment: { why: 'audit' } });
      await durable.updateOne({ a: 1 }, { $set: { b: 1 } }, { writeConcern: { w: 1 } });
      expect(await durable.findOne({}, { projection: { _id: 0 } })).toEqual({ a: 1, b: 1 });
    });

    it('reads with readConcern local and available', async () => {
      for (const level of ['local', 'available'] as const) {
        expect(await items.countDocuments({}, { readConcern: { level } })).toBe(3);
      }
    });
  });

  describe('options the stand-in refuses (a standalone or 7.0 server may refuse or honour them)', () => {
    it('pipeline-style update constants (c)', async () => {
      const pipelined = conn.db.collection('pipelined');
      await pipelined.insertOne({ k: 1 });
      const result = await outcomeOf(
        conn.db.command({
          update: 'pipelined',
          updates: [{ q: { k: 1 }, u: [{ $set: { v: '$$val' } }], c: { val: 5 } }],
        }),
      );
      expect(result).toEqual(conn.standin ? { code: 2 } : { value: MODIFIED_ONE });
      expect(await pipelined.findOne({}, { projection: { _id: 0 } })).toEqual(
        conn.standin ? { k: 1 } : { k: 1, v: 5 },
      );
    });

    it.each<[string, () => Promise<unknown>]>([
      [
        'writeConcern w: 2',
        () => conn.db.collection('wc').insertOne({ a: 1 }, { writeConcern: { w: 2, wtimeoutMS: 200 } }),
      ],
      [
        'writeConcern with a tag set',
        () => conn.db.command({ insert: 'wc', documents: [{ a: 1 }], writeConcern: { w: 'dc1' } }),
      ],
      [
        'readConcern snapshot outside a transaction',
        () => items.find({}, { readConcern: { level: 'snapshot' } }).toArray(),
      ],
      [
        'readConcern linearizable',
        () => items.find({}, { readConcern: { level: 'linearizable' } }).toArray(),
      ],
      ['apiStrict', () => conn.db.command({ ping: 1, apiVersion: '1', apiStrict: true })],
      ['commitQuorum', () => conn.db.collection('cq').createIndex({ a: 1 }, { commitQuorum: 'majority' })],
    ])('%s', async (_label, run) => {
      const result = await outcomeOf(run());
      // Only the stand-in's answer is pinned down: a real deployment's depends on its topology.
      expect(conn.standin ? result : { code: 2 }).toEqual({ code: 2 });
    });

    it('refuses a Stable API strict client at the handshake', async () => {
      const strict = new MongoClient(ctx.mongoUrl, {
        serverSelectionTimeoutMS: 2000,
        serverApi: { version: '1', strict: true },
      });
      const result = await outcomeOf(strict.connect().then(() => strict.db('admin').command({ ping: 1 })));
      await strict.close();
      expect(conn.standin ? 'value' in result : false).toBe(false);
    });
  });
});
