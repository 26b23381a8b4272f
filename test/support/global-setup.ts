import { provideMongo, provideRedis, type ProvidedService } from './providers';
import { HARNESS_ENV } from './suite';

declare global {
  var __RICOCHET_HARNESS__: ProvidedService[] | undefined;
}

/** Provisions Redis and MongoDB once for the whole jest run; suites get their own db name and prefix. */
export default async function globalSetup(): Promise<void> {
  const redis = await provideRedis(process.env);
  const mongo = await provideMongo(process.env);
  globalThis.__RICOCHET_HARNESS__ = [redis, mongo];
  process.env[HARNESS_ENV.redisUrl] = redis.url;
  process.env[HARNESS_ENV.mongoUrl] = mongo.url;
  if (!process.env.CI_QUIET) {
    process.stdout.write(`\n[harness] Redis: ${redis.source} (${redis.url}); MongoDB: ${mongo.source}\n`);
  }
}
