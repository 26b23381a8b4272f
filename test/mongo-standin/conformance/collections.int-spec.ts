import { suiteContext } from '../../support/suite';
import { type ConformanceDb, failureOf, openConformanceDb } from './conformance-db';

describe('conformance: collections and databases', () => {
  const ctx = suiteContext('conformance-collections');
  const otherDbName = `${ctx.dbName}_other`;
  let conn: ConformanceDb;

  beforeAll(async () => {
    conn = await openConformanceDb(ctx);
  });

  afterAll(async () => {
    await conn.client.db(otherDbName).dropDatabase();
    await conn.close();
  });

  it('creates a collection once and lists it', async () => {
    await conn.db.createCollection('ledger');
    // Servers before 7.0 (SERVER-60064) answer NamespaceExists; newer ones accept identical options.
    const again = await conn.db.createCollection('ledger').then(
      () => 'ok',
      (error: { code?: number }) => error.code,
    );
    expect(['ok', 48]).toContain(again);
    const conflicting = await failureOf(conn.db.createCollection('ledger', { capped: true, size: 4096 }));
    expect(conflicting).toMatchObject({ code: 48, codeName: 'NamespaceExists' });
    const listed = await conn.db.listCollections({ name: 'ledger' }).toArray();
    expect(listed).toEqual([expect.objectContaining({ name: 'ledger', type: 'collection' })]);
    const names = await conn.db.listCollections({}, { nameOnly: true }).toArray();
    expect(names.map((c) => c.name)).toContain('ledger');
  });

  it('creates a collection implicitly on first insert and drops it', async () => {
    await conn.db.collection('implicit').insertOne({ a: 1 });
    expect((await conn.db.listCollections({ name: 'implicit' }).toArray()).map((c) => c.name)).toEqual([
      'implicit',
    ]);
    expect(await conn.db.collection('implicit').drop()).toBe(true);
    expect(await conn.db.listCollections({ name: 'implicit' }).toArray()).toEqual([]);
    expect(await conn.db.collection('implicit').countDocuments()).toBe(0);
  });

  it('lists databases and drops only the one asked for', async () => {
    await conn.db.collection('kept').insertOne({ a: 1 });
    await conn.client.db(otherDbName).collection('doomed').insertOne({ b: 1 });
    const { databases } = await conn.client.db('admin').admin().listDatabases();
    expect(databases.map((d) => d.name)).toEqual(expect.arrayContaining([ctx.dbName, otherDbName]));
    expect(await conn.client.db(otherDbName).dropDatabase()).toBe(true);
    expect(await conn.client.db(otherDbName).collection('doomed').countDocuments()).toBe(0);
    expect(await conn.db.collection('kept').countDocuments()).toBe(1);
  });

  it('accepts unacknowledged writes (moreToCome) and applies them', async () => {
    const fireAndForget = conn.db.collection('fire', { writeConcern: { w: 0 } });
    await fireAndForget.insertOne({ a: 1 });
    // Nothing acknowledges the write, so poll: another pooled connection may be served first.
    const fire = conn.db.collection('fire');
    const deadline = Date.now() + 2000;
    while ((await fire.countDocuments({ a: 1 })) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await fire.countDocuments({ a: 1 })).toBe(1);
  });

  it('accepts hint, comment, maxTimeMS and collation on find', async () => {
    const tuned = conn.db.collection('tuned');
    await tuned.createIndex({ k: 1 });
    await tuned.insertMany([{ k: 'b' }, { k: 'a' }]);
    const docs = await tuned
      .find({}, { hint: { k: 1 }, comment: 'why', maxTimeMS: 1000, collation: { locale: 'simple' } })
      .sort({ k: 1 })
      .toArray();
    expect(docs.map((d) => d.k)).toEqual(['a', 'b']);
  });
});
