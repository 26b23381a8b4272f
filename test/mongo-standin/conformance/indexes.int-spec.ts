import type { Document, WriteError } from 'mongodb';
import { suiteContext } from '../../support/suite';
import { type ConformanceDb, type Failure, failureOf, openConformanceDb } from './conformance-db';

const writeErrorsOf = (error: Failure): WriteError[] => [error.writeErrors].flat() as WriteError[];

describe('conformance: indexes', () => {
  const ctx = suiteContext('conformance-indexes');
  let conn: ConformanceDb;

  beforeAll(async () => {
    conn = await openConformanceDb(ctx);
  });

  afterAll(async () => {
    await conn.close();
  });

  it('rejects a duplicate on a single-field unique index with the server error shape', async () => {
    const users = conn.db.collection('users');
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertOne({ email: 'a@example.com' });
    const error = await failureOf(users.insertOne({ email: 'a@example.com' }));
    expect(error.code).toBe(11000);
    expect(error.keyPattern).toEqual({ email: 1 });
    expect(error.keyValue).toEqual({ email: 'a@example.com' });
    expect(error.message).toBe(
      `E11000 duplicate key error collection: ${ctx.dbName}.users index: email_1 dup key: { email: "a@example.com" }`,
    );
    expect(await users.countDocuments()).toBe(1);
  });

  it('treats a missing field as null in a unique index', async () => {
    const handles = conn.db.collection('handles');
    await handles.createIndex({ handle: 1 }, { unique: true });
    await handles.insertOne({ other: 1 });
    const error = await failureOf(handles.insertOne({ other: 2 }));
    expect(error).toMatchObject({ code: 11000, keyValue: { handle: null } });
  });

  it('enforces compound unique indexes on the combination only', async () => {
    const seats = conn.db.collection('seats');
    await seats.createIndex({ row: 1, seat: 1 }, { unique: true, name: 'row_seat' });
    await seats.insertMany([
      { row: 'A', seat: 1 },
      { row: 'A', seat: 2 },
      { row: 'B', seat: 1 },
    ]);
    const error = await failureOf(seats.insertOne({ row: 'A', seat: 2 }));
    expect(error).toMatchObject({
      code: 11000,
      keyPattern: { row: 1, seat: 1 },
      keyValue: { row: 'A', seat: 2 },
    });
    expect(error.message).toContain('index: row_seat dup key: { row: "A", seat: 2 }');
  });

  it('enforces partial unique indexes only on documents the filter selects', async () => {
    const claims = conn.db.collection('claims');
    await claims.createIndex(
      { clickId: 1 },
      { unique: true, partialFilterExpression: { state: 'approved' } },
    );
    await claims.insertMany([
      { clickId: 'c1', state: 'pending' },
      { clickId: 'c1', state: 'pending' },
      { clickId: 'c1', state: 'approved' },
    ]);
    const error = await failureOf(claims.insertOne({ clickId: 'c1', state: 'approved' }));
    expect(error).toMatchObject({ code: 11000, keyValue: { clickId: 'c1' } });
    const promoted = await failureOf(claims.updateOne({ state: 'pending' }, { $set: { state: 'approved' } }));
    expect(promoted.code).toBe(11000);
    expect(await claims.countDocuments({ state: 'approved' })).toBe(1);
  });

  it('skips documents without the field in a sparse unique index', async () => {
    const codes = conn.db.collection('codes');
    await codes.createIndex({ code: 1 }, { unique: true, sparse: true });
    await codes.insertMany([{ n: 1 }, { n: 2 }, { code: 'x' }]);
    expect((await failureOf(codes.insertOne({ code: 'x' }))).code).toBe(11000);
  });

  it('stops an ordered insertMany at the first duplicate', async () => {
    const ordered = conn.db.collection('ordered');
    await ordered.createIndex({ k: 1 }, { unique: true });
    const error = await failureOf(ordered.insertMany([{ k: 1 }, { k: 2 }, { k: 1 }, { k: 3 }, { k: 2 }]));
    expect(writeErrorsOf(error).map((e) => [e.index, e.code])).toEqual([[2, 11000]]);
    expect(error.insertedCount).toBe(2);
    expect(writeErrorsOf(error)[0].errmsg).toContain('dup key: { k: 1 }');
    expect(await ordered.countDocuments()).toBe(2);
  });

  it('continues an unordered insertMany past duplicates and reports each by index', async () => {
    const unordered = conn.db.collection('unordered');
    await unordered.createIndex({ k: 1 }, { unique: true });
    const error = await failureOf(
      unordered.insertMany([{ k: 1 }, { k: 2 }, { k: 1 }, { k: 3 }, { k: 2 }], { ordered: false }),
    );
    expect(writeErrorsOf(error).map((e) => [e.index, e.code])).toEqual([
      [2, 11000],
      [4, 11000],
    ]);
    expect(error.insertedCount).toBe(3);
    expect(await unordered.countDocuments()).toBe(3);
  });

  it('reports a duplicate _id', async () => {
    const ids = conn.db.collection('ids');
    await ids.insertOne({ _id: 'same' } as Document);
    const error = await failureOf(ids.insertOne({ _id: 'same' } as Document));
    expect(error).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 'same' } });
    expect(error.message).toContain('index: _id_ dup key: { _id: "same" }');
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const dupes = conn.db.collection('dupes');
    await dupes.insertMany([{ v: 1 }, { v: 1 }]);
    expect((await failureOf(dupes.createIndex({ v: 1 }, { unique: true }))).code).toBe(11000);
    const names = (await dupes.listIndexes().toArray()).map((index) => index.name);
    expect(names).toEqual(['_id_']);
  });

  it('lists created indexes with their options and drops them', async () => {
    const listed = conn.db.collection('listed');
    await listed.createIndexes([
      { key: { a: 1 }, unique: true },
      { key: { b: -1, c: 1 }, name: 'b_c' },
      { key: { at: 1 }, expireAfterSeconds: 3600 },
    ]);
    // createIndexes is idempotent for an identical spec.
    await listed.createIndex({ a: 1 }, { unique: true });
    const indexes = await listed.listIndexes().toArray();
    expect(indexes.map((index) => index.name)).toEqual(['_id_', 'a_1', 'b_c', 'at_1']);
    expect(indexes[1]).toMatchObject({ key: { a: 1 }, unique: true });
    expect(indexes[2]).toMatchObject({ key: { b: -1, c: 1 } });
    expect(indexes[3]).toMatchObject({ key: { at: 1 }, expireAfterSeconds: 3600 });
    await listed.dropIndex('b_c');
    expect((await listed.listIndexes().toArray()).map((index) => index.name)).toEqual([
      '_id_',
      'a_1',
      'at_1',
    ]);
    await listed.dropIndexes();
    expect((await listed.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
  });

  it('answers equality lookups through a unique index correctly for numbers of different BSON types', async () => {
    const typed = conn.db.collection('typed');
    await typed.createIndex({ n: 1 }, { unique: true });
    await typed.insertMany([{ n: 1 }, { n: 2.5 }, { n: '1' }]);
    expect(await typed.countDocuments({ n: 1.0 })).toBe(1);
    expect(await typed.countDocuments({ n: { $in: [2.5, '1'] } })).toBe(2);
    expect(await typed.countDocuments({ n: { $eq: '2.5' } })).toBe(0);
  });

  it('expires documents through a TTL index', async () => {
    const sessions = conn.db.collection('sessions');
    await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await sessions.insertMany([
      { expiresAt: new Date(Date.now() - 1000) },
      { expiresAt: new Date(Date.now() + 3_600_000) },
    ]);
    const ttl = (await sessions.listIndexes().toArray()).find((index) => index.name === 'expiresAt_1');
    expect(ttl).toMatchObject({ expireAfterSeconds: 0 });
    // A real server's TTL monitor runs every 60 s: only the stand-in (1 s) can be waited for here.
    const deadline = Date.now() + (conn.standin ? 3000 : 0);
    let remaining = await sessions.countDocuments();
    while (remaining > 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      remaining = await sessions.countDocuments();
    }
    expect(remaining).toBeLessThanOrEqual(conn.standin ? 1 : 2);
    expect(await sessions.countDocuments({ expiresAt: { $gt: new Date() } })).toBe(1);
  });
});
