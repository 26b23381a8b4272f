import { setTimeout as delay } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { type StandinProcess, spawnStandinProcess } from './standin-process';

/** Spawning ts-node takes seconds, more on a loaded 2-core machine. */
const PROCESS_TEST_TIMEOUT_MS = 60_000;

/** What the chaos tests do to "freeze the database": stop the stand-in's process, then continue it. */
describe('a stand-in process frozen with SIGSTOP and thawed with SIGCONT', () => {
  let standin: StandinProcess | undefined;
  let client: MongoClient | undefined;

  afterEach(async () => {
    await standin?.kill();
    await client?.close(true);
    standin = undefined;
    client = undefined;
  });

  /** Settles with 'answered' or, if the operation is still pending after `ms`, with 'no answer'. */
  async function answersWithin(operation: Promise<unknown>, ms: number): Promise<'answered' | 'no answer'> {
    const timer = new AbortController();
    const silence = delay(ms, 'no answer' as const, { signal: timer.signal });
    try {
      return await Promise.race([operation.then(() => 'answered' as const), silence]);
    } finally {
      timer.abort();
      await silence.catch(() => undefined);
    }
  }

  it(
    'answers nothing while stopped, then serves the pending request and keeps every document',
    async () => {
      standin = await spawnStandinProcess();
      client = await MongoClient.connect(`${standin.url}/frozen`, { serverSelectionTimeoutMS: 5000 });
      const items = client.db('frozen').collection('items');
      await items.insertMany(Array.from({ length: 50 }, (_, n) => ({ n })));
      await items.createIndex({ n: 1 }, { unique: true });

      await standin.freeze();
      const pending = items
        .find({}, { projection: { _id: 0, n: 1 } })
        .sort({ n: 1 })
        .toArray();
      expect(await answersWithin(pending, 1000)).toBe('no answer');

      expect(standin.child.kill('SIGCONT')).toBe(true);
      expect((await pending).map((doc) => doc.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
      await items.insertOne({ n: 50 });
      expect(await items.countDocuments()).toBe(51);
      await expect(items.insertOne({ n: 7 })).rejects.toMatchObject({ code: 11000 });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'takes a SIGTERM sent while frozen once continued, and exits cleanly',
    async () => {
      standin = await spawnStandinProcess();
      client = await MongoClient.connect(standin.url, { serverSelectionTimeoutMS: 5000 });
      expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
      await client.close();
      client = undefined;

      await standin.freeze();
      standin.child.kill('SIGTERM');
      standin.child.kill('SIGCONT');
      expect(await standin.exited).toEqual({ code: 0, signal: null });
      expect(standin.output()).toMatch(/mongo stand-in stopped \(SIGTERM\)/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
