import { ObjectId } from 'mongodb';
import { suiteContext } from '../../support/suite';
import { type ConformanceDb, openConformanceDb } from './conformance-db';

describe('conformance: aggregation', () => {
  const ctx = suiteContext('conformance-aggregation');
  let conn: ConformanceDb;
  const offerA = new ObjectId();
  const offerB = new ObjectId();
  const day = (d: number, h: number): Date => new Date(Date.UTC(2026, 2, d, h));

  beforeAll(async () => {
    conn = await openConformanceDb(ctx);
    await conn.db.collection('offers').insertMany([
      { _id: offerA, name: 'Alpha' },
      { _id: offerB, name: 'Beta' },
    ]);
    await conn.db.collection('conversions').insertMany([
      { offerId: offerA, payout: 100, at: day(1, 1), tags: ['x', 'y'] },
      { offerId: offerA, payout: 200, at: day(1, 23), tags: ['x'] },
      { offerId: offerB, payout: 50, at: day(2, 12), tags: [] },
      { offerId: offerA, payout: 25, at: day(3, 0), tags: ['y'] },
    ]);
  });

  afterAll(async () => {
    await conn.close();
  });

  it('groups by day with $dateToString, sums and sorts', async () => {
    const rows = await conn.db
      .collection('conversions')
      .aggregate([
        { $match: { payout: { $gt: 0 } } },
        {
          $group: {
            _id: { $dateToString: { format: '%Y-%m-%d', date: '$at' } },
            total: { $sum: '$payout' },
            n: { $sum: 1 },
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(rows).toEqual([
      { _id: '2026-03-01', total: 300, n: 2 },
      { _id: '2026-03-02', total: 50, n: 1 },
      { _id: '2026-03-03', total: 25, n: 1 },
    ]);
  });

  it('groups by ObjectId and joins with $lookup and $unwind', async () => {
    const rows = await conn.db
      .collection('conversions')
      .aggregate([
        { $group: { _id: '$offerId', total: { $sum: '$payout' } } },
        { $lookup: { from: 'offers', localField: '_id', foreignField: '_id', as: 'offer' } },
        { $unwind: '$offer' },
        { $project: { _id: 0, name: '$offer.name', total: 1 } },
        { $sort: { total: -1 } },
      ])
      .toArray();
    expect(rows).toEqual([
      { total: 325, name: 'Alpha' },
      { total: 50, name: 'Beta' },
    ]);
  });

  it('runs $addFields, $skip, $limit and $count', async () => {
    const conversions = conn.db.collection('conversions');
    const rows = await conversions
      .aggregate([
        { $sort: { payout: 1 } },
        { $addFields: { double: { $multiply: ['$payout', 2] } } },
        { $skip: 1 },
        { $limit: 2 },
      ])
      .toArray();
    expect(rows.map((r) => [r.payout, r.double])).toEqual([
      [50, 100],
      [100, 200],
    ]);
    expect(await conversions.aggregate([{ $match: { offerId: offerA } }, { $count: 'n' }]).toArray()).toEqual(
      [{ n: 3 }],
    );
    const stored = await conversions.findOne({ payout: 50 });
    expect(stored).not.toHaveProperty('double');
  });

  it('answers the pipeline countDocuments sends', async () => {
    const rows = await conn.db
      .collection('conversions')
      .aggregate([{ $match: { offerId: { $in: [offerA, offerB] } } }, { $group: { _id: 1, n: { $sum: 1 } } }])
      .toArray();
    expect(rows).toEqual([{ _id: 1, n: 4 }]);
  });

  it('runs $facet and $unwind over arrays', async () => {
    const [facets] = await conn.db
      .collection('conversions')
      .aggregate([
        {
          $facet: {
            byTag: [
              { $unwind: '$tags' },
              { $group: { _id: '$tags', n: { $sum: 1 } } },
              { $sort: { _id: 1 } },
            ],
            top: [{ $sort: { payout: -1 } }, { $limit: 1 }, { $project: { _id: 0, payout: 1 } }],
          },
        },
      ])
      .toArray();
    expect(facets).toEqual({
      byTag: [
        { _id: 'x', n: 2 },
        { _id: 'y', n: 2 },
      ],
      top: [{ payout: 200 }],
    });
  });

  it('pages a large aggregation result through getMore', async () => {
    await conn.db.collection('many').insertMany(Array.from({ length: 230 }, (_, i) => ({ i })));
    const rows = await conn.db
      .collection('many')
      .aggregate([{ $sort: { i: -1 } }, { $project: { _id: 0, i: 1 } }], { batchSize: 50 })
      .toArray();
    expect(rows).toHaveLength(230);
    expect(rows[0]).toEqual({ i: 229 });
    expect(rows[229]).toEqual({ i: 0 });
  });
});
