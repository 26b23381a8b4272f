import { startMongoStandin } from '../mongo-standin/standin';
import { dockerEngineAnswers, startContainer } from './containers';
import { redisServerOnPath, startRedisServer } from './redis-server';

/** A service the harness provisioned for the whole run, with how it got it. */
export interface ProvidedService {
  url: string;
  source: string;
  stop(): Promise<void>;
}

const nothingToStop = (): Promise<void> => Promise.resolve();

/** Redis: REDIS_URL → redis-server on PATH → testcontainers redis:7 → a clear error. */
export async function provideRedis(env: NodeJS.ProcessEnv): Promise<ProvidedService> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, source: 'REDIS_URL', stop: nothingToStop };
  if (redisServerOnPath()) {
    const server = await startRedisServer();
    return { url: server.url, source: 'redis-server on PATH', stop: server.stop };
  }
  if (await dockerEngineAnswers()) {
    const container = await startContainer('redis:7');
    return { ...container, source: 'testcontainers redis:7' };
  }
  throw new Error(
    'Tests need Redis. Either set REDIS_URL, install redis-server (apt-get install -y redis-server), ' +
      'or run a Docker engine so testcontainers can start redis:7.',
  );
}

/** MongoDB: MONGO_URL → testcontainers mongo:7 → the in-repo wire-protocol stand-in. */
export async function provideMongo(env: NodeJS.ProcessEnv): Promise<ProvidedService> {
  if (env.MONGO_URL) return { url: env.MONGO_URL, source: 'MONGO_URL', stop: nothingToStop };
  if (await dockerEngineAnswers()) {
    const container = await startContainer('mongo:7');
    return { ...container, source: 'testcontainers mongo:7' };
  }
  const standin = await startMongoStandin();
  return { url: standin.url, source: 'wire-protocol stand-in (test/mongo-standin)', stop: standin.stop };
}
