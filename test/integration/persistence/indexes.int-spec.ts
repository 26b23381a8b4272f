import type { LoggerService } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Test, type TestingModule } from '@nestjs/testing';
import { type EnvName, RicochetConfigModule } from '@ricochet/config';
import { ClickRepository, MongoModule } from '@ricochet/persistence';
import { type Db, MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';
import { migrate } from '../../../apps/worker/src/migrate';
import { testConfig } from '../../support/config';
import { type SuiteContext, suiteContext } from '../../support/suite';
import { newId } from './persistence.fixture';
import { startTopologyProxy } from './topology-proxy';

const DAY = 24 * 60 * 60;
/** An index an operator made by hand, which no schema declares. */
const HAND_MADE = { key: { referrer: 1 }, name: 'ops_referrer_1' };

/** Nest's log lines, kept for assertions. */
class CapturedLogs implements LoggerService {
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  log(message: unknown): void {
    this.infos.push(String(message));
  }
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
  error(message: unknown): void {
    throw new Error(`unexpected error log: ${String(message)}`);
  }
}

/** One process's worth of persistence, as the gateway and worker build it (MongoModule from the config). */
async function compileApp(
  ctx: SuiteContext,
  env: Partial<Record<EnvName, string>>,
  logs = new CapturedLogs(),
): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [RicochetConfigModule.forRoot({ config: testConfig(ctx, env) }), MongoModule.forRoot()],
  }).compile();
  moduleRef.useLogger(logs);
  return moduleRef;
}

/** Compiles and boots (runs MONGO_INDEXES). */
async function bootApp(
  ctx: SuiteContext,
  env: Partial<Record<EnvName, string>> = {},
  logs = new CapturedLogs(),
): Promise<TestingModule> {
  const moduleRef = await compileApp(ctx, env, logs);
  await moduleRef.init();
  return moduleRef;
}

describe('MongoDB indexes', () => {
  let client: MongoClient;

  beforeAll(async () => {
    client = await MongoClient.connect(suiteContext('indexes-admin').mongoUrl);
  });

  afterAll(async () => {
    await client.close();
  });

  /** A suite context whose database is dropped after the test. */
  const databases: string[] = [];
  function freshContext(name: string): { ctx: SuiteContext; db: Db } {
    const ctx = suiteContext(name);
    databases.push(ctx.dbName);
    return { ctx, db: client.db(ctx.dbName) };
  }
  afterEach(async () => {
    for (const name of databases.splice(0)) await client.db(name).dropDatabase();
  });

  async function indexNames(db: Db, collection: string): Promise<string[]> {
    return (await db.collection(collection).indexes()).map((index) => String(index.name)).sort();
  }

  async function ttlOfClicks(db: Db): Promise<number | undefined> {
    const index = (await db.collection('clicks').indexes()).find(
      (candidate) => candidate.name === 'createdAt_1',
    );
    return index?.expireAfterSeconds;
  }

  /** Every collection's index keys, as the schemas of `moduleRef`'s models declare them (plus `_id`). */
  function declaredKeys(moduleRef: TestingModule): Map<string, string[]> {
    const connection = moduleRef.get<Connection>(getConnectionToken());
    return new Map(
      Object.values(connection.models).map((model) => [
        model.collection.collectionName,
        ['{"_id":1}', ...model.schema.indexes().map(([key]) => JSON.stringify(key))].sort(),
      ]),
    );
  }

  async function actualKeys(db: Db, collections: Iterable<string>): Promise<Map<string, string[]>> {
    const keys = new Map<string, string[]>();
    for (const collection of collections) {
      const indexes = await db.collection(collection).indexes();
      keys.set(collection, indexes.map((index) => JSON.stringify(index.key)).sort());
    }
    return keys;
  }

  it('lets several processes ensure indexes at the same time: all of them boot, each index exists once', async () => {
    const { ctx, db } = freshContext('indexes-concurrent');
    const logs = [new CapturedLogs(), new CapturedLogs(), new CapturedLogs(), new CapturedLogs()];
    const apps = await Promise.all(logs.map((log) => compileApp(ctx, {}, log)));
    try {
      // Each init runs the boot ensure; started together, their createIndexes interleave on one database.
      await Promise.all(apps.map((app) => app.init()));

      const declared = declaredKeys(apps[0]);
      expect(declared.size).toBe(8);
      expect(await actualKeys(db, declared.keys())).toEqual(declared);
      expect(logs.flatMap((log) => log.warnings)).toEqual([]);
      expect(
        logs.flatMap((log) => log.infos).filter((line) => line.startsWith('created missing')),
      ).not.toEqual([]);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  it('keeps an index no schema declares at boot (ensure); npm run migrate drops it and says so', async () => {
    const { ctx, db } = freshContext('indexes-undeclared');
    const first = await bootApp(ctx);
    await first.close();
    await db.collection('clicks').createIndex(HAND_MADE.key, { name: HAND_MADE.name });

    const second = await bootApp(ctx);
    await second.close();
    expect(await indexNames(db, 'clicks')).toContain(HAND_MADE.name);

    const printed: string[] = [];
    const report = await migrate(testConfig(ctx), { print: (line) => printed.push(line), logger: false });

    expect(await indexNames(db, 'clicks')).toEqual(['_id_', 'clickId_1', 'createdAt_1']);
    expect(report.collections.find((c) => c.collection === 'clicks')).toEqual({
      collection: 'clicks',
      created: [],
      rebuilt: [],
      dropped: [HAND_MADE.name],
      kept: [],
    });
    expect(printed).toEqual([
      `migrate: syncing the indexes of MongoDB database "${ctx.dbName}" with this version's schemas`,
      `clicks: dropped ${HAND_MADE.name}`,
      'migrate: done, 0 created, 0 rebuilt, 1 dropped',
    ]);

    const again: string[] = [];
    await migrate(testConfig(ctx), { print: (line) => again.push(line), logger: false });
    expect(again[again.length - 1]).toBe('migrate: done, no index changes');
  });

  it('warns about a TTL changed under ensure and keeps running; npm run migrate rebuilds it, keeping the data', async () => {
    const { ctx, db } = freshContext('indexes-ttl');
    const old = await bootApp(ctx, { RETENTION_CLICKS_DAYS: '7' });
    await old.close();
    expect(await ttlOfClicks(db)).toBe(7 * DAY);

    const logs = new CapturedLogs();
    const current = await bootApp(ctx, { RETENTION_CLICKS_DAYS: '14' }, logs);
    try {
      expect(logs.warnings).toHaveLength(1);
      expect(logs.warnings[0]).toContain('MongoDB index clicks.createdAt_1 differs from this version');
      expect(logs.warnings[0]).toContain('"expireAfterSeconds":604800');
      expect(logs.warnings[0]).toContain('"expireAfterSeconds":1209600');
      expect(logs.warnings[0]).toContain('run `npm run migrate`');
      expect(await ttlOfClicks(db)).toBe(7 * DAY);
      // The process is up and serves: the index it could not change is still a working TTL index.
      const clickId = `clk_${newId()}`;
      const clicks = current.get(ClickRepository);
      await clicks.recordClick({ clickId, offerId: newId(), sourceId: newId(), advertiserId: newId() });
      expect(await clicks.findByClickId(clickId)).not.toBeNull();

      const printed: string[] = [];
      const report = await migrate(testConfig(ctx, { RETENTION_CLICKS_DAYS: '14' }), {
        print: (line) => printed.push(line),
        logger: false,
      });

      expect(await ttlOfClicks(db)).toBe(14 * DAY);
      expect(report.collections.find((c) => c.collection === 'clicks')?.rebuilt).toEqual(['createdAt_1']);
      expect(printed).toContain('clicks: rebuilt createdAt_1');
      expect(await clicks.findByClickId(clickId)).not.toBeNull();
    } finally {
      await current.close();
    }
  });

  it('MONGO_INDEXES=off builds nothing at boot; sync also drops what no schema declares', async () => {
    const { ctx, db } = freshContext('indexes-modes');
    await db.collection('clicks').createIndex(HAND_MADE.key, { name: HAND_MADE.name });

    const logs = new CapturedLogs();
    const off = await bootApp(ctx, { MONGO_INDEXES: 'off' }, logs);
    // Models do not build indexes on their own either (mongoose's autoIndex, which init() awaits).
    const models = Object.values(off.get<Connection>(getConnectionToken()).models);
    await Promise.all(models.map((model) => model.init()));
    await off.close();
    expect(await indexNames(db, 'clicks')).toEqual(['_id_', HAND_MADE.name]);
    expect(logs.infos).toContain('MONGO_INDEXES=off: indexes are neither checked nor created at boot');

    const sync = await bootApp(ctx, { MONGO_INDEXES: 'sync' });
    await sync.close();
    expect(await indexNames(db, 'clicks')).toEqual(['_id_', 'clickId_1', 'createdAt_1']);
  });

  it('keeps, behind a mongos, the undeclared indexes a shard key needs and drops the rest', async () => {
    const { ctx, db } = freshContext('indexes-sharded');
    const app = await bootApp(ctx);
    await app.close();
    // What `sh.shardCollection("<db>.postbacks", { advertiserId: 1, _id: 1 })` leaves behind: its index and
    // the shard key in config.collections (here on the harness's own server, which the proxy presents as
    // a mongos).
    const shardKey = { advertiserId: 1, _id: 1 };
    await db.collection('postbacks').createIndex(shardKey, { name: 'advertiserId_1__id_1' });
    await db.collection('clicks').createIndex(HAND_MADE.key, { name: HAND_MADE.name });
    const sharded = client.db('config').collection<{ _id: string; key: object }>('collections');
    await sharded.insertOne({ _id: `${ctx.dbName}.postbacks`, key: shardKey });
    const harness = new URL(ctx.mongoUrl);
    const mongos = await startTopologyProxy({ host: harness.hostname, port: Number(harness.port) }, 'mongos');
    try {
      const printed: string[] = [];
      const report = await migrate(testConfig({ ...ctx, mongoUrl: mongos.rewrite(ctx.mongoUrl) }), {
        print: (line) => printed.push(line),
        logger: false,
      });

      expect(await indexNames(db, 'postbacks')).toContain('advertiserId_1__id_1');
      expect(await indexNames(db, 'clicks')).not.toContain(HAND_MADE.name);
      expect(report.collections.find((c) => c.collection === 'postbacks')?.kept).toEqual([
        'advertiserId_1__id_1',
      ]);
      expect(printed).toContain('postbacks: kept advertiserId_1__id_1 (shard key)');
      expect(printed).toContain(`clicks: dropped ${HAND_MADE.name}`);
    } finally {
      await mongos.close();
      await sharded.deleteOne({ _id: `${ctx.dbName}.postbacks` });
    }

    // Without a mongos there is no shard key to protect: the same index is undeclared and dropped.
    await migrate(testConfig(ctx), { print: () => undefined, logger: false });
    expect(await indexNames(db, 'postbacks')).not.toContain('advertiserId_1__id_1');
  });

  it('fails the migration, naming the cause, when MongoDB refuses to build a declared index', async () => {
    const { ctx, db } = freshContext('indexes-refused');
    await db.collection('clicks').insertMany([{ clickId: 'twice' }, { clickId: 'twice' }]);

    await expect(migrate(testConfig(ctx), { print: () => undefined, logger: false })).rejects.toThrow(
      /E11000 duplicate key/,
    );
  });
});
