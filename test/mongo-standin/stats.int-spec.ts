import { type CommandStartedEvent, type Document, MongoClient } from 'mongodb';
import * as os from 'node:os';
import { type RunningStandin, startMongoStandin } from './standin';

/**
 * One pooled connection and no heartbeat during a test: every command on the wire is one we sent.
 * Driver 7 loads `os` with a dynamic import, which jest's VM refuses: without an adapter the driver
 * silently sends empty client metadata, and so no appName (outside jest it needs none).
 */
const QUIET = {
  maxPoolSize: 1,
  heartbeatFrequencyMS: 600_000,
  serverSelectionTimeoutMS: 2000,
  runtimeAdapters: { os },
};

interface AppStats {
  appName: string | null;
  connections: { current: number; totalCreated: number };
  requests: number;
  opcounters: Record<string, number>;
}

/** Polls for state the server changes after the client stopped waiting (a closed socket); bounded. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the stand-in counters: serverStatus exactly, and standinStats per appName', () => {
  let standin: RunningStandin;
  const clients: MongoClient[] = [];

  beforeEach(async () => {
    standin = await startMongoStandin();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await standin.stop();
  });

  async function connect(appName: string, started?: CommandStartedEvent[]): Promise<MongoClient> {
    const client = await MongoClient.connect(`${standin.url}/stats`, {
      ...QUIET,
      appName,
      monitorCommands: started !== undefined,
    });
    if (started) client.on('commandStarted', (event) => started.push(event));
    clients.push(client);
    return client;
  }

  const serverStatus = (client: MongoClient): Promise<Document> =>
    client.db('admin').command({ serverStatus: 1 });

  const allAppStats = async (client: MongoClient): Promise<AppStats[]> =>
    (await client.db('admin').command({ standinStats: 1 })).apps as AppStats[];

  const appStats = async (client: MongoClient, appName: string): Promise<AppStats | undefined> =>
    (await allAppStats(client)).find((app) => app.appName === appName);

  it('counts opcounters the way mongod 7.0 does', async () => {
    const started: CommandStartedEvent[] = [];
    const client = await connect('bench', started);
    const items = client.db('stats').collection('items');
    await items.createIndex({ k: 1 }, { unique: true });
    const before = await serverStatus(client);
    started.length = 0;

    await items.insertMany([{ k: 1 }, { k: 2 }, { k: 3 }]);
    // Ordered: the first document goes in, the duplicate fails, the third is never tried.
    await expect(items.insertMany([{ k: 4 }, { k: 1 }, { k: 5 }])).rejects.toMatchObject({ code: 11000 });
    await items.find({ k: 1 }).toArray();
    expect(await items.find({}).batchSize(1).toArray()).toHaveLength(4);
    await items.updateMany({}, { $set: { seen: true } });
    await items.bulkWrite([
      { updateOne: { filter: { k: 1 }, update: { $inc: { n: 1 } } } },
      { updateOne: { filter: { k: 99 }, update: { $inc: { n: 1 } } } },
    ]);
    await items.deleteMany({ k: 3 });
    await items.findOneAndUpdate({ k: 2 }, { $set: { claimed: true } });
    await items.countDocuments({ seen: true });
    await items.estimatedDocumentCount();
    await items.distinct('k');
    await client.db('admin').command({ ping: 1 });
    const after = await serverStatus(client);

    const delta = Object.fromEntries(
      Object.keys(after.opcounters as object).map((k) => [k, after.opcounters[k] - before.opcounters[k]]),
    );
    expect(delta).toEqual({
      insert: 4,
      query: 2,
      getmore: 3,
      update: 3,
      delete: 1,
      // findAndModify, aggregate (countDocuments), count, distinct, ping, and the second serverStatus.
      command: 6,
    });
    expect(started.map((event) => event.commandName)).toContain('getMore');
    expect(after.network.numRequests - before.network.numRequests).toBe(started.length);
    expect(after.connections).toEqual({ current: 2, totalCreated: 2 });
  });

  it('reports who and how long, like mongod', async () => {
    const client = await connect('ops');
    const status = await serverStatus(client);
    expect(status).toMatchObject({
      host: `${os.hostname()}:${standin.port}`,
      version: '7.0.0',
      process: 'mongod',
      pid: process.pid,
      ok: 1,
    });
    expect(status.uptime).toBeGreaterThanOrEqual(0);
    expect(status.uptimeMillis).toBeGreaterThanOrEqual(0);
    expect(status.localTime).toBeInstanceOf(Date);
  });

  it('keeps connections, requests and opcounters per appName', async () => {
    const bench = await connect('bench');
    const ops = await connect('ops');
    await bench
      .db('stats')
      .collection('a')
      .insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
    await ops.db('stats').collection('a').insertOne({ a: 4 });
    await ops.db('stats').collection('a').find().toArray();

    expect((await allAppStats(ops)).map((app) => app.appName)).toEqual(['bench', 'ops']);
    const benchStats = await appStats(ops, 'bench');
    const opsStats = await appStats(ops, 'ops');
    // Each client holds a monitoring connection and one pooled connection; their handshakes count as commands.
    expect(benchStats).toMatchObject({
      connections: { current: 2, totalCreated: 2 },
      opcounters: { insert: 3, query: 0, update: 0, delete: 0, getmore: 0, command: 2 },
    });
    expect(opsStats).toMatchObject({ connections: { current: 2, totalCreated: 2 } });
    expect(opsStats?.opcounters).toMatchObject({ insert: 1, query: 1 });
    // bench: two handshakes and one insert; ops: two handshakes, insert, find and this standinStats.
    expect(benchStats?.requests).toBe(3);
    expect(opsStats?.requests).toBeGreaterThanOrEqual(5);

    await bench.close();
    await eventually(async () => (await appStats(ops, 'bench'))?.connections.current === 0);
    expect((await appStats(ops, 'bench'))?.connections).toEqual({ current: 0, totalCreated: 2 });
    const status = await serverStatus(ops);
    expect(status.connections).toEqual({ current: 2, totalCreated: 4 });
  });

  it('refuses client metadata sent a second time on a connection, as mongod does', async () => {
    const client = await connect('ops');
    await expect(
      client.db('admin').command({ hello: 1, client: { application: { name: 'other' } } }),
    ).rejects.toMatchObject({ code: 186, codeName: 'ClientMetadataCannotBeMutated' });
    expect(await appStats(client, 'other')).toBeUndefined();
  });
});
