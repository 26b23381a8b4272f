import { MongoClient } from 'mongodb';
import { InsertBatcher } from '../../../libs/persistence/src/repositories/insert-batcher';
import { suiteContext } from '../../support/suite';

describe('InsertBatcher', () => {
  const ctx = suiteContext('insert-batcher');
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
