import { type Collection, type Document, MongoClient, ObjectId } from 'mongodb';
import { type RunningStandin, startMongoStandin } from './standin';

/**
 * Stand-in only (it reads the stand-in's own standinStats): how many documents queries look at. Counted,
 * not timed: an index lookup must examine the documents it finds and nothing else, whatever the size of
 * the collection, and say so in `collectionScans` when it has to look at everything.
 */
describe('index lookups on the stand-in', () => {
  let standin: RunningStandin;
  let client: MongoClient;

  beforeAll(async () => {
    standin = await startMongoStandin();
    client = await MongoClient.connect(standin.url, { serverSelectionTimeoutMS: 5000 });
  });

  afterAll(async () => {
    await client?.close();
    await standin?.stop();
  });

  interface Cost {
    docsExamined: number;
    collectionScans: number;
  }

  async function counters(ns: string): Promise<Cost> {
    const stats = await client.db('admin').command({ standinStats: 1 });
    const entry = (stats.collections as Array<Cost & { ns: string }>).find((c) => c.ns === ns);
    return { docsExamined: entry?.docsExamined ?? 0, collectionScans: entry?.collectionScans ?? 0 };
  }

  async function costOf(collection: Collection, work: () => Promise<unknown>): Promise<Cost> {
    const ns = `${collection.dbName}.${collection.collectionName}`;
    const before = await counters(ns);
    await work();
    const after = await counters(ns);
    return {
      docsExamined: after.docsExamined - before.docsExamined,
      collectionScans: after.collectionScans - before.collectionScans,
    };
  }

  /** `size` clicks, 10 of them pending whatever the size, indexed like the product's collections. */
  async function clicks(size: number): Promise<{ collection: Collection; ids: ObjectId[] }> {
    const collection = client.db(`lookups_${size}`).collection('clicks');
    await collection.createIndex({ clickId: 1 }, { unique: true });
    await collection.createIndex({ state: 1, nextAttemptAt: 1 });
    const ids: ObjectId[] = [];
    for (let start = 0; start < size; start += 1000) {
      const docs: Document[] = [];
      for (let i = start; i < Math.min(size, start + 1000); i++) {
        const _id = new ObjectId();
        ids.push(_id);
        const pending = i % (size / 10) === 0;
        docs.push({
          _id,
          clickId: `c${i}`,
          state: pending ? 'pending' : 'done',
          nextAttemptAt: new Date(i),
          n: i,
        });
      }
      await collection.insertMany(docs);
    }
    return { collection, ids };
  }

  it.each([1_000, 10_000])(
    'examines only what the index finds in a collection of %i documents',
    async (size) => {
      const { collection, ids } = await clicks(size);
      const lookups = Array.from({ length: 50 }, (_, i) => Math.floor((i * size) / 50));

      expect(
        await costOf(collection, async () => {
          for (const i of lookups)
            expect(await collection.findOne({ clickId: `c${i}` })).toMatchObject({ n: i });
        }),
      ).toEqual({ docsExamined: 50, collectionScans: 0 });

      expect(
        await costOf(collection, async () => {
          for (const i of lookups) await collection.updateOne({ _id: ids[i] }, { $inc: { n: 1 } });
        }),
      ).toEqual({ docsExamined: 50, collectionScans: 0 });

      // countDocuments is an aggregate with a leading $match: the compound index's first field serves it.
      expect(
        await costOf(collection, async () => {
          for (let i = 0; i < 5; i++) expect(await collection.countDocuments({ state: 'pending' })).toBe(10);
        }),
      ).toEqual({ docsExamined: 50, collectionScans: 0 });

      // A sweeper's claim: the equality prefix narrows to the 10 pending documents, then range and sort.
      expect(
        await costOf(collection, async () => {
          const claimed = await collection.findOneAndUpdate(
            { $and: [{ state: 'pending' }, { nextAttemptAt: { $lte: new Date(size) } }] },
            { $set: { nextAttemptAt: new Date(size * 2) } },
            { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
          );
          expect(claimed?.clickId).toBe('c0');
        }),
      ).toEqual({ docsExamined: 10, collectionScans: 0 });

      // The counters do see scans: an unindexed field costs the whole collection.
      expect(await costOf(collection, () => collection.findOne({ n: -1 }))).toEqual({
        docsExamined: size,
        collectionScans: 1,
      });
    },
  );

  it('returns what it finds through an index in insertion order, like a collection scan', async () => {
    const items = client.db('lookups_order').collection('items');
    await items.createIndex({ tag: 1 });
    const docs: Document[] = ['c', 'a', 'b', 'a', 'c', 'b'].map((tag, i) => ({ _id: i, tag }));
    await items.insertMany(docs);
    const order = async (filter: Document, hint?: Document): Promise<unknown[]> =>
      (await items.find(filter, hint ? { hint } : {}).toArray()).map((doc) => doc._id);
    expect(await order({ tag: { $in: ['b', 'a'] } })).toEqual([1, 2, 3, 5]);
    expect(await order({ tag: { $in: ['b', 'a'] } }, { $natural: -1 })).toEqual([5, 3, 2, 1]);
    expect(await order({ $and: [{ tag: { $in: ['c', 'b'] } }, { _id: { $gt: 0 } }] })).toEqual([2, 4, 5]);
    const cost = await costOf(items, () => items.find({ tag: 'a' }).toArray());
    expect(cost).toEqual({ docsExamined: 2, collectionScans: 0 });
  });

  it('reports every collection in standinStats', async () => {
    const stats = await client.db('admin').command({ standinStats: 1 });
    expect(stats.collections).toEqual(
      expect.arrayContaining([
        { ns: 'lookups_order.items', count: 6, docsExamined: expect.any(Number), collectionScans: 0 },
      ]),
    );
  });
});
