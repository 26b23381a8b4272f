import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { type RunningStandin, startMongoStandin } from './standin';

const ROOT = join(__dirname, '..', '..');

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

  it('runs from the command line and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        require.resolve('ts-node/dist/bin.js'),
        '--transpile-only',
        'test/mongo-standin/main.ts',
        '--port',
        '0',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = once(child, 'exit');
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const url = /listening on (mongodb:\/\/\S+)/.exec(line.toString())?.[1];
    expect(url).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+$/);
    client = await MongoClient.connect(url!, { serverSelectionTimeoutMS: 2000 });
    expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
    await client.close();
    client = undefined;
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  }, 20000);
});
