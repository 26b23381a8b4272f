import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Db, MongoClient } from 'mongodb';
import { migrate } from '../../../apps/worker/src/migrate';
import { spawnCompiledEntryPoint } from '../../support/compiled-processes';
import { testConfig } from '../../support/config';
import { suiteContext } from '../../support/suite';

/** What `npm run migrate` runs: the compiled CLI that `npm run build` writes. */
const MIGRATE_CLI = 'dist/apps/worker/src/migrate.js';

/**
 * `npm run migrate` as an operator runs it after a deploy: plain `node` on the compiled file, configured
 * by the environment alone. (The sync itself is covered through the same exported function in
 * indexes.int-spec.ts; this proves the shipped entry point does it, reports it and sets its exit code.)
 */
describe('npm run migrate (compiled)', () => {
  const ctx = suiteContext('migrate-cli');
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    if (!existsSync(join(__dirname, '..', '..', '..', MIGRATE_CLI))) {
      throw new Error(`${MIGRATE_CLI} is missing: run \`npm run build\` before this suite`);
    }
    client = await MongoClient.connect(ctx.mongoUrl);
    db = client.db();
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  function runCli(env: Record<string, string>) {
    return spawnCompiledEntryPoint(MIGRATE_CLI, { MONGO_URL: ctx.mongoUrl, LOG_LEVEL: 'warn', ...env });
  }

  it('syncs the indexes, prints what it did and exits 0', async () => {
    await migrate(testConfig(ctx), { print: () => undefined, logger: false });
    await db.collection('clicks').createIndex({ referrer: 1 }, { name: 'ops_referrer_1' });

    const cli = runCli({ RETENTION_CLICKS_DAYS: '30' });
    const exit = await cli.exited;

    expect({ exit, output: cli.output() }).toEqual({
      exit: { code: 0, signal: null },
      output: expect.any(String),
    });
    expect(cli.output().trim().split('\n')).toEqual([
      `migrate: syncing the indexes of MongoDB database "${ctx.dbName}" with this version's schemas`,
      'clicks: rebuilt createdAt_1; dropped ops_referrer_1',
      'migrate: done, 0 created, 1 rebuilt, 1 dropped',
    ]);
    const clicks = await db.collection('clicks').indexes();
    expect(clicks.map((index) => index.name).sort()).toEqual(['_id_', 'clickId_1', 'createdAt_1']);
    expect(clicks.find((index) => index.name === 'createdAt_1')?.expireAfterSeconds).toBe(30 * 24 * 60 * 60);
  });

  it('exits 1 with the reason on stderr when it cannot run', async () => {
    const cli = runCli({ MONGO_INDEXES: 'drop' });
    const exit = await cli.exited;

    expect(exit.code).toBe(1);
    expect(cli.output()).toContain('migrate failed: Invalid configuration');
    expect(cli.output()).toContain('MONGO_INDEXES must be one of ensure, sync, off, got "drop"');
  });
});
