import { MongoClient, ObjectId } from 'mongodb';
import { FindBatcher, InsertBatcher } from '../../../libs/persistence/src/repositories/turn-batchers';
import { suiteContext } from '../../support/suite';

describe('InsertBatcher', () => {
  const ctx = suiteContext('turn-batchers');
  let client: MongoClient;

  beforeAll(async () => {
    client = await MongoClient.connect(ctx.mongoUrl);
    await client.db().collection('items').createIndex({ key: 1 }, { unique: true });
  });
  afterAll(async () => {
    await client.db().dropDatabase();
    await client.close();
  });

  it('writes inserts issued in one turn as one insertMany, and each caller learns its own fate', async () => {
    const commands: string[] = [];
    const monitored = await MongoClient.connect(ctx.mongoUrl, { monitorCommands: true });
    monitored.on('commandStarted', (event) => {
      if (event.commandName === 'insert')
        commands.push(String((event.command.documents as unknown[]).length));
    });
    const batcher = new InsertBatcher(() => monitored.db().collection('items'), {
      writeConcern: { j: true },
    });
    const results = await Promise.all([
      batcher.insert({ key: 'a' }),
      batcher.insert({ key: 'b' }),
      batcher.insert({ key: 'a' }),
      batcher.insert({ key: 'c' }),
    ]);
    await monitored.close();
    expect(commands).toEqual(['4']);
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true]);
    expect((results[2] as { error: { code: number } }).error.code).toBe(11000);
    expect(await client.db().collection('items').countDocuments()).toBe(3);
  });

  it('fails every caller of a batch that could not be written at all', async () => {
    const closed = await MongoClient.connect(ctx.mongoUrl, { serverSelectionTimeoutMS: 500 });
    await closed.close();
    const batcher = new InsertBatcher(() => closed.db().collection('items'));
    const results = await Promise.all([batcher.insert({ key: 'x' }), batcher.insert({ key: 'y' })]);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
  });

  it('splits a burst larger than the batch size into several inserts', async () => {
    const batcher = new InsertBatcher(() => client.db().collection('burst'), { maxBatch: 10 });
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => batcher.insert({ n: i })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await client.db().collection('burst').countDocuments()).toBe(25);
  });
});

describe('FindBatcher', () => {
  const ctx = suiteContext('find-batcher');
  let client: MongoClient;

  beforeAll(async () => {
    client = await MongoClient.connect(ctx.mongoUrl, { monitorCommands: true });
    const items = client.db().collection('items');
    await items.createIndex({ key: 1 }, { unique: true });
    await items.insertMany([
      { key: 'a', n: 1 },
      { key: 'b', n: 2 },
      { key: 'c', n: 3 },
    ]);
  });
  afterAll(async () => {
    await client.db().dropDatabase();
    await client.close();
  });

  it('answers the lookups of one turn with one query, each caller with its own document or null', async () => {
    const finds: unknown[] = [];
    const listener = (event: { commandName: string; command: { filter?: unknown } }): void => {
      if (event.commandName === 'find') finds.push(event.command.filter);
    };
    client.on('commandStarted', listener);
    const batcher = new FindBatcher<string>(() => client.db().collection('items'), 'key', String);
    const docs = await Promise.all(['c', 'missing', 'a', 'c'].map((key) => batcher.findOne(key)));
    client.off('commandStarted', listener);
    expect(finds).toEqual([{ key: { $in: ['c', 'missing', 'a', 'c'] } }]);
    expect(docs.map((doc) => (doc === null ? null : doc.n))).toEqual([3, null, 1, 3]);
  });

  it('matches ObjectIds by value', async () => {
    const items = client.db().collection('items');
    const a = await items.findOne({ key: 'a' });
    const batcher = new FindBatcher<ObjectId>(() => items, '_id', String);
    const [found, missing] = await Promise.all([
      batcher.findOne(new ObjectId(String(a?._id))),
      batcher.findOne(new ObjectId()),
    ]);
    expect(found?.key).toBe('a');
    expect(missing).toBeNull();
  });

  it('fails every caller when the query fails', async () => {
    const closed = await MongoClient.connect(ctx.mongoUrl, { serverSelectionTimeoutMS: 500 });
    await closed.close();
    const batcher = new FindBatcher<string>(() => closed.db().collection('items'), 'key', String);
    const results = await Promise.allSettled([batcher.findOne('a'), batcher.findOne('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
