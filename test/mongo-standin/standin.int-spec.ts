import { MongoClient } from 'mongodb';
import { type RunningStandin, startMongoStandin } from './standin';
import { spawnStandinProcess } from './standin-process';

async function eventually<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('the mongo stand-in process', () => {
  let standin: RunningStandin | undefined;
  let client: MongoClient | undefined;

  afterEach(async () => {
    await client?.close();
    await standin?.stop();
    client = undefined;
    standin = undefined;
  });

  it('listens on a free port and publishes a URL without a database', async () => {
    standin = await startMongoStandin();
    expect(standin.port).toBeGreaterThan(0);
    expect(standin.url).toBe(`mongodb://127.0.0.1:${standin.port}`);
    client = await MongoClient.connect(standin.url, { serverSelectionTimeoutMS: 2000 });
    expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
  });

  it('drops connections on stop, and the driver reconnects to a new stand-in on the same port', async () => {
    standin = await startMongoStandin();
    const { port } = standin;
    client = await MongoClient.connect(`${standin.url}/restart`, {
      serverSelectionTimeoutMS: 3000,
      heartbeatFrequencyMS: 500,
    });
    const items = client.db('restart').collection('items');
    await items.insertOne({ n: 1 });
    await standin.stop();
    standin = await startMongoStandin({ port });
    const count = await eventually(() => items.countDocuments(), 5000);
    expect(count).toBe(0);
    await items.insertOne({ n: 2 });
    expect(await items.countDocuments()).toBe(1);
  });

  it('refuses a port that is taken', async () => {
    standin = await startMongoStandin();
    await expect(startMongoStandin({ port: standin.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('runs from the command line, says where it listens, and stops on SIGTERM', async () => {
    const child = await spawnStandinProcess();
    try {
      expect(child.url).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+$/);
      expect(child.output()).toContain(`mongo stand-in listening on ${child.url} (pid ${child.child.pid})`);
      client = await MongoClient.connect(child.url, { serverSelectionTimeoutMS: 2000 });
      expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
      // Stopping with a client still connected: its pooled sockets must not keep the process alive.
      child.child.kill('SIGTERM');
      expect(await child.exited).toEqual({ code: 0, signal: null });
    } finally {
      await child.kill();
    }
  }, 60_000);
});
