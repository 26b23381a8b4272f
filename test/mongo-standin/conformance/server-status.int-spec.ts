import type { Document } from 'mongodb';
import { suiteContext } from '../../support/suite';
import { type ConformanceDb, openConformanceDb } from './conformance-db';

/**
 * serverStatus as a monitor reads it. Other suites share the server, so only lower bounds of deltas are
 * asserted: what this suite's own operations are guaranteed to add. Exact counts are in ../stats.int-spec.ts.
 */
describe('conformance: serverStatus counters', () => {
  const ctx = suiteContext('conformance-server-status');
  let conn: ConformanceDb;

  beforeAll(async () => {
    conn = await openConformanceDb(ctx);
  });

  afterAll(async () => {
    await conn.close();
  });

  const serverStatus = (): Promise<Document> => conn.client.db('admin').command({ serverStatus: 1 });

  it('reports identity, uptime and connections', async () => {
    const status = await serverStatus();
    expect(status).toMatchObject({
      ok: 1,
      process: expect.stringMatching(/^mongo/),
      version: expect.any(String),
    });
    expect(status.host).toEqual(expect.any(String));
    expect(status.uptime).toBeGreaterThanOrEqual(0);
    expect(status.localTime).toBeInstanceOf(Date);
    expect(status.connections.current).toBeGreaterThanOrEqual(1);
    expect(status.connections.totalCreated).toBeGreaterThanOrEqual(status.connections.current);
  });

  it('counts inserted documents, find, getMore, update and delete statements, and other commands', async () => {
    const counters = conn.db.collection('counters');
    const before = await serverStatus();
    await counters.insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await counters.find({ n: 1 }).toArray();
    expect(await counters.find({}).batchSize(1).toArray()).toHaveLength(3);
    await counters.updateMany({}, { $set: { seen: true } });
    await counters.updateOne({ n: 99 }, { $set: { never: true } });
    await counters.deleteMany({ n: 3 });
    await counters.findOneAndUpdate({ n: 1 }, { $inc: { n: 10 } });
    await counters.estimatedDocumentCount();
    await counters.distinct('n');
    await conn.db.command({ ping: 1 });
    const after = await serverStatus();
    const delta = (counter: string): number => after.opcounters[counter] - before.opcounters[counter];
    expect(delta('insert')).toBeGreaterThanOrEqual(3);
    // Two find commands; aggregate is counted here from MongoDB 7.1 on, as a command before.
    expect(delta('query')).toBeGreaterThanOrEqual(2);
    expect(delta('getmore')).toBeGreaterThanOrEqual(2);
    expect(delta('update')).toBeGreaterThanOrEqual(2);
    expect(delta('delete')).toBeGreaterThanOrEqual(1);
    // findAndModify, count, distinct, ping and the second serverStatus.
    expect(delta('command')).toBeGreaterThanOrEqual(5);
    expect(after.network.numRequests - before.network.numRequests).toBeGreaterThanOrEqual(13);
    expect(after.network.bytesIn).toBeGreaterThan(before.network.bytesIn);
    expect(after.network.bytesOut).toBeGreaterThan(before.network.bytesOut);
  });
});
