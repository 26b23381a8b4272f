import { randomBytes } from 'node:crypto';

/** What one test suite gets from the harness: its own database and queue prefix on the shared servers. */
export interface SuiteContext {
  /** MongoDB URL whose path is this suite's own database. */
  mongoUrl: string;
  dbName: string;
  redisUrl: string;
  /** BullMQ prefix unique to this suite, so queues never collide across suites. */
  queuePrefix: string;
}

/** Environment variables the global setup publishes to the test workers. */
export const HARNESS_ENV = {
  mongoUrl: 'RICOCHET_TEST_MONGO_URL',
  redisUrl: 'RICOCHET_TEST_REDIS_URL',
} as const;

function harnessUrl(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run tests through jest so test/support/global-setup.ts provisions it`,
    );
  }
  return value;
}

/** Replaces the database path of a MongoDB URL, keeping credentials and options. */
export function withDatabase(mongoUrl: string, dbName: string): string {
  const url = new URL(mongoUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/** A fresh, isolated context for one suite: call it once at the top of a describe block. */
export function suiteContext(name: string): SuiteContext {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  const id = `${slug}_${randomBytes(4).toString('hex')}`;
  const dbName = `t_${id}`;
  return {
    mongoUrl: withDatabase(harnessUrl(HARNESS_ENV.mongoUrl), dbName),
    dbName,
    redisUrl: harnessUrl(HARNESS_ENV.redisUrl),
    queuePrefix: `t_${id}`,
  };
}
