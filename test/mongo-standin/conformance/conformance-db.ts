import { type Db, MongoClient, type MongoClientOptions } from 'mongodb';
import type { SuiteContext } from '../../support/suite';

/** A driver connection to one suite's database, on the stand-in or on a real MongoDB (MONGO_URL). */
export interface ConformanceDb {
  client: MongoClient;
  db: Db;
  /** True on the stand-in: only the TTL test needs to know, to avoid waiting for the 60 s TTL monitor. */
  standin: boolean;
  close(): Promise<void>;
}

export async function openConformanceDb(
  ctx: SuiteContext,
  options: MongoClientOptions = {},
): Promise<ConformanceDb> {
  const client = await MongoClient.connect(ctx.mongoUrl, { serverSelectionTimeoutMS: 5000, ...options });
  const db = client.db(ctx.dbName);
  const info = await db.admin().command({ buildInfo: 1 });
  return {
    client,
    db,
    standin: info.gitVersion === 'mongo-standin',
    close: async () => {
      await db.dropDatabase();
      await client.close();
    },
  };
}

/** A driver error, with whatever fields the server reply carried (code, keyPattern, writeErrors …). */
export type Failure = Error & Record<string, unknown>;

/** The rejection of a promise that must fail, so assertions can look at its fields. */
export async function failureOf(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

/** What an operation came to: its value, or the server error code it failed with. */
export type Outcome<T> = { value: T } | { code: unknown };

/**
 * Runs an operation that a real server performs and the stand-in may refuse, so one assertion can say
 * "this result, or (stand-in) this refusal", like `conn.standin ? { code: 2 } : { value: 2 }`.
 */
export async function outcomeOf<T>(promise: Promise<T>): Promise<Outcome<T>> {
  try {
    return { value: await promise };
  } catch (error) {
    return { code: (error as { code?: unknown }).code };
  }
}
