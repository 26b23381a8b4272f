import {
  Binary,
  type Collection,
  DBRef,
  Decimal128,
  type Document,
  Double,
  type IndexDescription,
  Int32,
  Long,
  ObjectId,
} from 'mongodb';
import { suiteContext } from '../../support/suite';
import { type ConformanceDb, failureOf, openConformanceDb } from './conformance-db';

/**
 * The same documents in two collections, one with indexes and one without: every query must match the
 * same documents in both, and what MongoDB matches. On the stand-in the indexed collection answers
 * through its index lookups, the other by scanning, so these cases pin the lookups to MongoDB's
 * semantics (types, null, arrays, dotted paths, embedded documents …).
 */
describe('conformance: queries match the same documents with and without an index', () => {
  const ctx = suiteContext('conformance-index-lookups');
  let conn: ConformanceDb;

  beforeAll(async () => {
    conn = await openConformanceDb(ctx);
  });

  afterAll(async () => {
    await conn.close();
  });

  interface Pair {
    indexed: Collection;
    plain: Collection;
  }

  async function pair(name: string, indexes: IndexDescription[], docs: Document[]): Promise<Pair> {
    const indexed = conn.db.collection(`${name}_indexed`);
    const plain = conn.db.collection(`${name}_plain`);
    await indexed.createIndexes(indexes);
    await indexed.insertMany(docs.map((doc) => ({ ...doc })));
    await plain.insertMany(docs.map((doc) => ({ ...doc })));
    return { indexed, plain };
  }

  const sortedIds = (docs: Document[]): number[] =>
    docs.map((doc) => doc._id as number).sort((a, b) => a - b);

  /** find, count, countDocuments (aggregate $match), distinct and updateMany all select `ids`, in both. */
  async function expectMatches({ indexed, plain }: Pair, filter: Document, ids: number[]): Promise<void> {
    for (const collection of [indexed, plain]) {
      const where = `${collection.collectionName} ${JSON.stringify(filter)}`;
      expect([where, sortedIds(await collection.find(filter).toArray())]).toEqual([where, ids]);
      expect([where, await collection.countDocuments(filter)]).toEqual([where, ids.length]);
      const counted = await conn.db.command({ count: collection.collectionName, query: filter });
      expect([where, counted.n]).toEqual([where, ids.length]);
      expect([where, await collection.distinct('_id', filter)]).toEqual([where, ids]);
      const updated = await collection.updateMany(filter, { $set: { hit: true } });
      expect([where, updated.matchedCount]).toEqual([where, ids.length]);
      expect(sortedIds(await collection.find({ hit: true }).toArray())).toEqual(ids);
      await collection.updateMany({}, { $unset: { hit: '' } });
    }
  }

  it('compares numbers across BSON types, and never a number with a string', async () => {
    const p = await pair(
      'numbers',
      [{ key: { n: 1 } }],
      [
        { _id: 1, n: 1 },
        { _id: 2, n: new Double(1) },
        { _id: 3, n: Long.fromNumber(1) },
        { _id: 4, n: new Int32(1) },
        { _id: 5, n: '1' },
        { _id: 6, n: [0, 1] },
        { _id: 7, n: 2.5 },
      ],
    );
    await expectMatches(p, { n: 1 }, [1, 2, 3, 4, 6]);
    await expectMatches(p, { n: new Double(1) }, [1, 2, 3, 4, 6]);
    await expectMatches(p, { n: { $eq: Long.fromNumber(1) } }, [1, 2, 3, 4, 6]);
    await expectMatches(p, { n: '1' }, [5]);
    await expectMatches(p, { n: { $in: [2.5, '1'] } }, [5, 7]);
    await expectMatches(p, { n: { $eq: 1, $in: [1, 2.5] } }, [1, 2, 3, 4, 6]);
    await expectMatches(p, { n: { $in: [] } }, []);
  });

  it('matches arrays by element (multikey) and as a whole', async () => {
    const p = await pair(
      'arrays',
      [{ key: { tags: 1 } }],
      [
        { _id: 1, tags: ['x', 'y'] },
        { _id: 2, tags: 'x' },
        { _id: 3, tags: [['x']] },
        { _id: 4, tags: [] },
        { _id: 5, tags: ['y'] },
      ],
    );
    await expectMatches(p, { tags: 'x' }, [1, 2]);
    await expectMatches(p, { tags: ['x'] }, [3]);
    await expectMatches(p, { tags: ['x', 'y'] }, [1]);
    await expectMatches(p, { tags: { $in: ['y', 'z'] } }, [1, 5]);
    await expectMatches(p, { tags: { $eq: 'y' } }, [1, 5]);
  });

  it('matches null against null, a missing field and an array holding null, not an empty array', async () => {
    const p = await pair(
      'nulls',
      [{ key: { opt: 1 } }],
      [
        { _id: 1, opt: null },
        { _id: 2 },
        { _id: 3, opt: 'v' },
        { _id: 4, opt: [null, 'w'] },
        { _id: 5, opt: [] },
        { _id: 6, opt: ['v'] },
      ],
    );
    await expectMatches(p, { opt: null }, [1, 2, 4]);
    await expectMatches(p, { opt: { $in: [null, 'v'] } }, [1, 2, 3, 4, 6]);
    await expectMatches(p, { opt: 'v' }, [3, 6]);
  });

  it('follows dotted paths through embedded documents and one level of arrays', async () => {
    const p = await pair(
      'dotted',
      [{ key: { 'a.b': 1 } }],
      [
        { _id: 1, a: { b: 1 } },
        { _id: 2, a: [{ b: 1 }, { b: 2 }] },
        { _id: 3, a: [{ b: [1, 3] }] },
        { _id: 4, a: { b: [1] } },
        { _id: 5, a: [[{ b: 1 }]] },
        { _id: 6, a: { b: { c: 1 } } },
        { _id: 7, a: { c: 1 } },
        { _id: 8, a: [{ b: 2 }, { c: 1 }] },
      ],
    );
    await expectMatches(p, { 'a.b': 1 }, [1, 2, 3, 4]);
    await expectMatches(p, { 'a.b': { c: 1 } }, [6]);
    await expectMatches(p, { 'a.b': { $in: [2, 3] } }, [2, 3, 8]);
    await expectMatches(p, { a: { b: 1 } }, [1, 2]);
  });

  it('compares embedded documents field by field, in order', async () => {
    const p = await pair(
      'embedded',
      [{ key: { doc: 1 } }],
      [
        { _id: 1, doc: { x: 1, y: 2 } },
        { _id: 2, doc: { y: 2, x: 1 } },
        { _id: 3, doc: [{ x: 1, y: 2 }] },
        { _id: 4, doc: { x: 1, y: 2, z: 3 } },
        { _id: 5, doc: { x: new Double(1), y: Long.fromNumber(2) } },
      ],
    );
    await expectMatches(p, { doc: { x: 1, y: 2 } }, [1, 3, 5]);
    await expectMatches(p, { doc: { y: 2, x: 1 } }, [2]);
    await expectMatches(
      p,
      {
        doc: {
          $in: [
            { x: 1, y: 2, z: 3 },
            { y: 2, x: 1 },
          ],
        },
      },
      [2, 4],
    );
  });

  it('compares ObjectIds, dates and binary data by type and value', async () => {
    const [o1, o2, o3] = [new ObjectId(), new ObjectId(), new ObjectId()];
    const [d1, d2] = [new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:00Z')];
    const bytes = Buffer.from('abc');
    const p = await pair(
      'typed',
      [{ key: { ref: 1 } }, { key: { at: 1 } }, { key: { bin: 1 } }],
      [
        { _id: 1, ref: o1, at: d1, bin: new Binary(bytes, 0) },
        { _id: 2, ref: o2, at: d2, bin: new Binary(bytes, 128) },
        { _id: 3, ref: o1.toHexString(), at: d1.getTime(), bin: 'abc' },
        { _id: 4, ref: [o2, o3], at: [d2] },
      ],
    );
    await expectMatches(p, { ref: new ObjectId(o1.toHexString()) }, [1]);
    await expectMatches(p, { ref: o1.toHexString() }, [3]);
    await expectMatches(p, { ref: { $in: [o2, o3] } }, [2, 4]);
    await expectMatches(p, { at: new Date(d1.getTime()) }, [1]);
    await expectMatches(p, { at: d1.getTime() }, [3]);
    await expectMatches(p, { at: d2 }, [2, 4]);
    await expectMatches(p, { bin: new Binary(bytes, 0) }, [1]);
    await expectMatches(p, { bin: new Binary(bytes, 128) }, [2]);
  });

  describe('a compound index serves its leading fields and ranges after them', () => {
    const due = (minute: number): Date => new Date(Date.UTC(2026, 2, 1, 12, minute));
    let p: Pair;

    beforeAll(async () => {
      p = await pair(
        'compound',
        [{ key: { state: 1, due: 1 } }],
        [
          { _id: 1, state: 'pending', due: due(5) },
          { _id: 2, state: 'delivered', due: due(1) },
          { _id: 3, state: 'failed', due: due(3) },
          { _id: 4, state: 'pending', due: due(2) },
          { _id: 5, state: 'pending', due: due(9) },
          { _id: 6, state: 'failed' },
        ],
      );
    });

    it('matches on the leading field alone, on both, and with a range on the second', async () => {
      await expectMatches(p, { state: 'pending' }, [1, 4, 5]);
      await expectMatches(p, { state: 'pending', due: due(2) }, [4]);
      await expectMatches(p, { state: { $in: ['pending', 'failed'] }, due: { $lte: due(5) } }, [1, 3, 4]);
      await expectMatches(
        p,
        { $and: [{ state: { $in: ['pending', 'failed'] } }, { due: { $lte: due(5) } }] },
        [1, 3, 4],
      );
      await expectMatches(p, { due: due(1) }, [2]);
      await expectMatches(p, { state: 'failed', due: null }, [6]);
    });

    it('sorts and limits the narrowed documents, and claims them one by one like a sweeper', async () => {
      for (const collection of [p.indexed, p.plain]) {
        const query = { state: { $in: ['pending', 'failed'] }, due: { $lte: due(5) } };
        const first = await collection.find(query).sort({ due: 1 }).limit(1).toArray();
        expect(first.map((doc) => doc._id)).toEqual([4]);
        const claimed: unknown[] = [];
        for (;;) {
          const doc = await collection.findOneAndUpdate(
            { $and: [{ state: { $in: ['pending', 'failed'] } }, { due: { $lte: due(5) } }] },
            { $set: { due: due(59) } },
            { sort: { due: 1 }, projection: { _id: 1 }, returnDocument: 'after' },
          );
          if (!doc) break;
          claimed.push(doc._id);
        }
        expect(claimed).toEqual([4, 3, 1]);
        expect(sortedIds(await collection.find({ state: 'pending', due: due(59) }).toArray())).toEqual([
          1, 4,
        ]);
        expect(await collection.countDocuments({ state: 'pending', due: due(2) })).toBe(0);
      }
    });
  });

  it('never lets a sparse or partial index leave documents out', async () => {
    const p = await pair(
      'sparse_partial',
      [
        { key: { nick: 1 }, sparse: true },
        { key: { email: 1 }, partialFilterExpression: { active: true } },
      ],
      [
        { _id: 1, nick: 'ann', email: 'a@x', active: true },
        { _id: 2, email: 'a@x', active: false },
        { _id: 3, nick: null, email: 'b@x' },
        { _id: 4 },
        { _id: 5, nick: ['ann', 'bob'] },
      ],
    );
    await expectMatches(p, { nick: 'ann' }, [1, 5]);
    await expectMatches(p, { nick: null }, [2, 3, 4]);
    await expectMatches(p, { nick: { $gte: 'b' } }, [5]);
    await expectMatches(p, { nick: { $exists: true } }, [1, 3, 5]);
    await expectMatches(p, { email: 'a@x' }, [1, 2]);
    await expectMatches(p, { email: 'a@x', active: true }, [1]);
  });

  it('keeps the indexes in step with updates, deletes and failed writes', async () => {
    const codes = conn.db.collection('codes');
    await codes.createIndexes([{ key: { code: 1 }, unique: true }, { key: { g: 1, code: 1 } }]);
    await codes.insertMany([
      { _id: 1, code: 'a', g: 1 },
      { _id: 2, code: 'b', g: 1 },
    ] as Document[]);
    const idsOf = async (filter: Document): Promise<number[]> =>
      sortedIds(await codes.find(filter).toArray());

    // A multi-update stops at its first duplicate key: what it changed before stays changed.
    const clash = await failureOf(codes.updateMany({ g: 1 }, { $set: { code: 'z' } }));
    expect(clash.code).toBe(11000);
    expect(await idsOf({ code: 'z' })).toEqual([1]);
    expect(await idsOf({ code: 'a' })).toEqual([]);
    expect(await idsOf({ code: 'b' })).toEqual([2]);
    expect(await idsOf({ g: 1, code: 'z' })).toEqual([1]);

    await codes.updateOne({ _id: 2 } as Document, { $set: { code: 'a', g: 2 } });
    expect(await idsOf({ code: 'a' })).toEqual([2]);
    expect(await idsOf({ code: 'b' })).toEqual([]);
    expect(await idsOf({ g: 1 })).toEqual([1]);
    expect(await idsOf({ g: 2 })).toEqual([2]);

    // An ordered insertMany keeps what it inserted before the duplicate, and nothing after it.
    const insertClash = await failureOf(
      codes.insertMany([
        { _id: 3, code: 'c' },
        { _id: 4, code: 'a' },
        { _id: 5, code: 'd' },
      ] as Document[]),
    );
    expect(insertClash.code).toBe(11000);
    expect(await idsOf({ code: { $in: ['c', 'd'] } })).toEqual([3]);

    await codes.deleteOne({ code: 'a' });
    expect(await idsOf({ code: 'a' })).toEqual([]);
    expect(await idsOf({ g: 2 })).toEqual([]);
    await codes.insertOne({ _id: 6, code: 'a' } as Document);
    expect(await idsOf({ code: 'a' })).toEqual([6]);
  });

  it('enforces unique indexes with the server equality across BSON types', async () => {
    const keys = conn.db.collection('unique_keys');
    await keys.createIndex({ v: 1 }, { unique: true });
    const accepted = async (v: unknown): Promise<boolean> => {
      try {
        await keys.insertOne({ v });
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 11000) throw error;
        return false;
      }
    };
    expect(await accepted(1)).toBe(true);
    expect(await accepted(new Double(1))).toBe(false);
    expect(await accepted(Long.fromNumber(1))).toBe(false);
    expect(await accepted(Decimal128.fromString('1.0'))).toBe(false);
    expect(await accepted('1')).toBe(true);
    expect(await accepted(0.1)).toBe(true);
    expect(await accepted(Decimal128.fromString('0.1'))).toBe(true);
    expect(await accepted(Decimal128.fromString('0.50'))).toBe(true);
    expect(await accepted(0.5)).toBe(false);
    expect(await accepted(2 ** 60)).toBe(true);
    expect(await accepted(Long.fromString('1152921504606846976'))).toBe(false);
    expect(await accepted(new Binary(Buffer.from('abc'), 0))).toBe(true);
    expect(await accepted(new Binary(Buffer.from('abc'), 128))).toBe(true);
    expect(await accepted({ x: 1, y: 2 })).toBe(true);
    expect(await accepted({ y: 2, x: 1 })).toBe(true);
    expect(await accepted({ x: new Double(1), y: 2 })).toBe(false);
    const [thing1, thing2] = [new ObjectId(), new ObjectId()];
    expect(await accepted(new DBRef('things', thing1))).toBe(true);
    expect(await accepted(new DBRef('things', thing2))).toBe(true);
    expect(await accepted(new DBRef('things', new ObjectId(thing1.toHexString())))).toBe(false);
    // Text inside documents cannot pass for more fields.
    expect(await accepted({ a: 'x', b: 'y' })).toBe(true);
    expect(await accepted({ a: 'x,"b":sy' })).toBe(true);
    expect(await keys.countDocuments()).toBe(14);

    const pairs = conn.db.collection('unique_pairs');
    await pairs.createIndex({ a: 1, b: 1 }, { unique: true });
    await pairs.insertOne({ a: 'x', b: 'y\u0000sq' });
    await pairs.insertOne({ a: 'x\u0000sy', b: 'q' });
    expect((await failureOf(pairs.insertOne({ a: 'x', b: 'y\u0000sq' }))).code).toBe(11000);
    expect(await pairs.countDocuments()).toBe(2);
  });
});
