import { type CommandStartedEvent, type Document, Long, ObjectId } from 'mongodb';
import { suiteContext } from '../../support/suite';
import { type ConformanceDb, openConformanceDb } from './conformance-db';

describe('conformance: reads and writes through the mongodb driver', () => {
  const ctx = suiteContext('conformance-crud');
  let conn: ConformanceDb;
  const started: CommandStartedEvent[] = [];

  beforeAll(async () => {
    conn = await openConformanceDb(ctx, { monitorCommands: true });
    conn.client.on('commandStarted', (event) => started.push(event));
  });

  afterAll(async () => {
    await conn.close();
  });

  describe('with 250 documents inserted in shuffled order', () => {
    const values = Array.from({ length: 250 }, (_, i) => i);
    beforeAll(async () => {
      const shuffled = [...values].sort((a, b) => ((a * 7919) % 250) - ((b * 7919) % 250));
      await conn.db
        .collection('numbers')
        .insertMany(shuffled.map((n) => ({ n, parity: n % 2 ? 'odd' : 'even' })));
    });

    it('sorts, skips and limits across getMore batches in exact order', async () => {
      started.length = 0;
      const docs = await conn.db.collection('numbers').find({}).sort({ n: -1 }).skip(10).limit(150).toArray();
      expect(docs.map((d) => d.n)).toEqual(values.slice().reverse().slice(10, 160));
      expect(started.filter((e) => e.commandName === 'getMore')).toHaveLength(1);
    });

    it('honours batchSize on find and getMore', async () => {
      started.length = 0;
      const docs = await conn.db
        .collection('numbers')
        .find({ parity: 'odd' })
        .sort({ n: 1 })
        .batchSize(20)
        .toArray();
      expect(docs).toHaveLength(125);
      expect(docs[0].n).toBe(1);
      expect(docs[124].n).toBe(249);
      expect(started.filter((e) => e.commandName === 'getMore')).toHaveLength(6);
    });

    it('returns int64 cursor ids, and id 0 once a single batch is asked for', async () => {
      const open = await conn.db.command(
        { find: 'numbers', filter: {}, batchSize: 2 },
        { promoteLongs: false },
      );
      expect(open.cursor.id).toBeInstanceOf(Long);
      expect(open.cursor.id.isZero()).toBe(false);
      expect(open.cursor.firstBatch).toHaveLength(2);
      const more = await conn.db.command(
        { getMore: open.cursor.id, collection: 'numbers', batchSize: 3 },
        { promoteLongs: false },
      );
      expect(more.cursor.nextBatch).toHaveLength(3);
      await conn.db.command({ killCursors: 'numbers', cursors: [open.cursor.id] });
      const single = await conn.db.command(
        { find: 'numbers', filter: {}, limit: 5, singleBatch: true },
        { promoteLongs: false },
      );
      expect(single.cursor.id).toBeInstanceOf(Long);
      expect(single.cursor.id.isZero()).toBe(true);
      expect(single.cursor.firstBatch).toHaveLength(5);
      started.length = 0;
      // The driver turns a negative limit into limit + singleBatch; a closed cursor needs no killCursors.
      expect(await conn.db.collection('numbers').find({}).limit(-3).toArray()).toHaveLength(3);
      expect(started.map((e) => e.commandName)).toEqual(['find']);
    });

    it('counts with and without a filter, and lists distinct values sorted', async () => {
      const numbers = conn.db.collection('numbers');
      expect(await numbers.countDocuments({ n: { $lt: 100 } })).toBe(100);
      expect(await numbers.countDocuments({ parity: 'even' }, { skip: 5, limit: 10 })).toBe(10);
      expect(await numbers.estimatedDocumentCount()).toBe(250);
      const counted = await conn.db.command({ count: 'numbers', query: { n: { $gte: 240 } } });
      expect(counted.n).toBe(10);
      expect(await numbers.distinct('parity')).toEqual(['even', 'odd']);
      expect(await numbers.distinct('n', { n: { $gt: 246 } })).toEqual([247, 248, 249]);
    });

    it('projects fields', async () => {
      const doc = await conn.db.collection('numbers').findOne({ n: 7 }, { projection: { _id: 0, n: 1 } });
      expect(doc).toEqual({ n: 7 });
    });
  });

  it('matches ObjectIds with equality, $in and $nin, and sorts by them', async () => {
    const refs = [new ObjectId(), new ObjectId(), new ObjectId()];
    const items = conn.db.collection('items');
    await items.insertMany(refs.map((ref, i) => ({ _id: ref, i, owner: refs[0] })));
    const byIn = await items
      .find({ _id: { $in: [new ObjectId(refs[2].toHexString()), refs[0]] } })
      .sort({ i: 1 })
      .toArray();
    expect(byIn.map((d) => d.i)).toEqual([0, 2]);
    expect(await items.countDocuments({ owner: new ObjectId(refs[0].toHexString()) })).toBe(3);
    expect(await items.countDocuments({ _id: { $nin: [refs[1]] } })).toBe(2);
    const byId = await items.find().sort({ _id: -1 }).toArray();
    expect(byId.map((d) => d.i)).toEqual([2, 1, 0]);
    const found = await items.findOne({ _id: refs[1] });
    expect(found?._id).toEqual(refs[1]);
  });

  it('compares dates in filters and sorts', async () => {
    const events = conn.db.collection('events');
    const base = Date.UTC(2026, 0, 1);
    await events.insertMany([2, 0, 3, 1].map((h) => ({ h, at: new Date(base + h * 3_600_000) })));
    const later = await events
      .find({ at: { $gte: new Date(base + 3_600_000) } })
      .sort({ at: 1 })
      .toArray();
    expect(later.map((d) => d.h)).toEqual([1, 2, 3]);
    expect(later[0].at).toBeInstanceOf(Date);
  });

  it('applies $set $inc $push $addToSet $unset $min $max $currentDate', async () => {
    const counters = conn.db.collection<{
      n: number;
      low: number;
      high: number;
      tags: string[];
      sets?: string[];
      ranked?: number[];
      gone?: boolean;
      nested: Document;
      touchedAt?: Date;
    }>('counters');
    const { insertedId } = await counters.insertOne({
      n: 5,
      low: 10,
      high: 10,
      tags: ['a'],
      gone: true,
      nested: { x: 1 },
    });
    const before = new Date(Date.now() - 1000);
    const result = await counters.updateOne(
      { _id: insertedId },
      {
        $set: { 'nested.y': 2, label: 'L' },
        $inc: { n: 3 },
        $addToSet: { sets: { $each: ['x', 'x', 'y'] } },
        $push: { tags: 'b', ranked: { $each: [3, 1, 2], $sort: 1, $slice: 2 } },
        $unset: { gone: '' },
        $min: { low: 4 },
        $max: { high: 3 },
        $currentDate: { touchedAt: true },
      },
    );
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const doc = await counters.findOne({ _id: insertedId });
    expect(doc).toMatchObject({
      n: 8,
      low: 4,
      high: 10,
      tags: ['a', 'b'],
      sets: ['x', 'y'],
      ranked: [1, 2],
      nested: { x: 1, y: 2 },
      label: 'L',
    });
    expect(doc).not.toHaveProperty('gone');
    expect(doc?.touchedAt?.getTime()).toBeGreaterThan(before.getTime());
    const again = await counters.updateOne(
      { _id: insertedId },
      { $addToSet: { tags: 'a' }, $max: { high: 1 } },
    );
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('updates array elements through arrayFilters and the positional operator', async () => {
    const carts = conn.db.collection('carts');
    const { insertedId } = await carts.insertOne({
      lines: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 1 },
        { sku: 'c', qty: 5 },
      ],
    });
    await carts.updateOne(
      { _id: insertedId },
      { $inc: { 'lines.$[line].qty': 10 } },
      { arrayFilters: [{ 'line.qty': { $lt: 2 } }] },
    );
    await carts.updateOne({ _id: insertedId, 'lines.sku': 'c' }, { $set: { 'lines.$.qty': 0 } });
    const doc = await carts.findOne({ _id: insertedId });
    expect(doc?.lines.map((l: { qty: number }) => l.qty)).toEqual([11, 11, 0]);
  });

  it('upserts: $setOnInsert applies on the insert branch only, seeded from the filter', async () => {
    const profiles = conn.db.collection('profiles');
    const inserted = await profiles.updateOne(
      { key: 'k1', $and: [{ tenant: 't' }] },
      { $set: { seen: 1 }, $setOnInsert: { createdBy: 'upsert' } },
      { upsert: true },
    );
    expect(inserted).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(inserted.upsertedId).toBeInstanceOf(ObjectId);
    const updated = await profiles.updateOne(
      { key: 'k1', $and: [{ tenant: 't' }] },
      { $set: { seen: 2 }, $setOnInsert: { createdBy: 'overwritten' } },
      { upsert: true },
    );
    expect(updated).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    const docs = await profiles.find({}, { projection: { _id: 0 } }).toArray();
    expect(docs).toEqual([{ key: 'k1', tenant: 't', seen: 2, createdBy: 'upsert' }]);
  });

  it('reports upserted ids by statement index in a bulk write', async () => {
    const bulk = conn.db.collection<{ _id: string; v: number }>('bulk');
    const result = await bulk.bulkWrite([
      { insertOne: { document: { _id: 'a', v: 1 } } },
      { updateOne: { filter: { _id: 'b' }, update: { $set: { v: 2 } }, upsert: true } },
      { updateOne: { filter: { _id: 'a' }, update: { $inc: { v: 1 } } } },
      { replaceOne: { filter: { _id: 'c' }, replacement: { v: 3 }, upsert: true } },
      { deleteOne: { filter: { _id: 'a' } } },
    ]);
    expect(result).toMatchObject({
      insertedCount: 1,
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 2,
      deletedCount: 1,
    });
    expect(result.upsertedIds).toEqual({ 1: 'b', 3: 'c' });
    expect(await bulk.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'b', v: 2 },
      { _id: 'c', v: 3 },
    ]);
  });

  it('findOneAndUpdate returns the document before or after, and upserts', async () => {
    const jobs = conn.db.collection('jobs');
    await jobs.insertMany([
      { name: 'a', state: 'due', priority: 1 },
      { name: 'b', state: 'due', priority: 5 },
    ]);
    const before = await jobs.findOneAndUpdate(
      { state: 'due' },
      { $set: { state: 'claimed' } },
      { sort: { priority: -1 } },
    );
    expect(before).toMatchObject({ name: 'b', state: 'due' });
    const after = await jobs.findOneAndUpdate(
      { state: 'due' },
      { $set: { state: 'claimed' } },
      { sort: { priority: -1 }, returnDocument: 'after', projection: { _id: 0, name: 1, state: 1 } },
    );
    expect(after).toEqual({ name: 'a', state: 'claimed' });
    expect(await jobs.findOneAndUpdate({ state: 'due' }, { $set: { state: 'claimed' } })).toBeNull();
    const upserted = await jobs.findOneAndUpdate(
      { name: 'c' },
      { $setOnInsert: { state: 'new' } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(upserted.value).toMatchObject({ name: 'c', state: 'new' });
    expect(upserted.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
    const removed = await jobs.findOneAndDelete({ name: 'c' });
    expect(removed).toMatchObject({ name: 'c' });
    expect(await jobs.countDocuments()).toBe(2);
  });

  it('replaces, updates many and deletes many', async () => {
    const notes = conn.db.collection('notes');
    await notes.insertMany([1, 2, 3, 4].map((n) => ({ n, kind: n % 2 ? 'odd' : 'even' })));
    const many = await notes.updateMany({ kind: 'odd' }, { $set: { flagged: true } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const replaced = await notes.replaceOne({ n: 2 }, { n: 20 });
    expect(replaced).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await notes.findOne({ n: 20 }, { projection: { _id: 0 } })).toEqual({ n: 20 });
    const deleted = await notes.deleteMany({ flagged: true });
    expect(deleted.deletedCount).toBe(2);
    expect(await notes.countDocuments()).toBe(2);
  });

  it('refuses to change _id in an update', async () => {
    const locked = conn.db.collection<{ _id: string }>('locked');
    await locked.insertOne({ _id: 'fixed' });
    await expect(locked.updateOne({ _id: 'fixed' }, { $set: { _id: 'other' } })).rejects.toMatchObject({
      code: 66,
    });
  });
});
