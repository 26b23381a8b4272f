import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { createWorkerApp } from '../../apps/worker/src/worker.app';
import { startMongoStandin, type RunningStandin } from '../mongo-standin/standin';
import { eventually, testConfig } from '../support/config';
import { startRedisServer, type RedisProcess } from '../support/redis-server';
import { withDatabase } from '../support/suite';

interface Readiness {
  status: number;
  body: { status: string; error?: Record<string, unknown> };
}

async function readiness(app: NestFastifyApplication): Promise<Readiness> {
  const response = await fetch(`${await app.getUrl()}/health/ready`);
  return { status: response.status, body: (await response.json()) as Readiness['body'] };
}

// This suite owns its Redis and MongoDB (not the shared harness ones) because it kills them.
describe('readiness across dependency restarts', () => {
  let redis: RedisProcess;
  let mongo: RunningStandin;
  let gateway: NestFastifyApplication;
  let worker: NestFastifyApplication;

  beforeAll(async () => {
    redis = await startRedisServer();
    mongo = await startMongoStandin();
    const config = testConfig({
      mongoUrl: withDatabase(mongo.url, 'readiness'),
      dbName: 'readiness',
      redisUrl: redis.url,
      queuePrefix: 'readiness',
    });
    gateway = await createGatewayApp(config, { logger: false });
    await gateway.listen(0, '127.0.0.1');
    worker = await createWorkerApp(config, { logger: false });
    await worker.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await gateway?.close();
    await worker?.close();
    await redis?.stop();
    await mongo?.stop();
  });

  it('answers live and ready when MongoDB and Redis answer', async () => {
    const live = await fetch(`${await gateway.getUrl()}/health/live`);
    expect(live.status).toBe(200);
    await eventually('gateway ready', async () => (await readiness(gateway)).status === 200);
    await eventually('worker ready', async () => (await readiness(worker)).status === 200);
    const ready = await readiness(gateway);
    expect(ready.body.status).toBe('ok');
  });

  it('turns 503 naming redis within 5 s of a Redis kill, and 200 again after Redis returns', async () => {
    await redis.stop();
    await eventually('503 after the Redis kill', async () => (await readiness(gateway)).status === 503, {
      timeoutMs: 5_000,
    });
    const down = await readiness(gateway);
    expect(down.body.status).toBe('error');
    expect(Object.keys(down.body.error ?? {})).toEqual(['redis']);
    await eventually('worker 503', async () => (await readiness(worker)).status === 503, {
      timeoutMs: 5_000,
    });

    redis = await startRedisServer({ port: redis.port });
    await eventually(
      'gateway 200 after Redis returns',
      async () => (await readiness(gateway)).status === 200,
      {
        timeoutMs: 15_000,
      },
    );
    await eventually('worker 200 after Redis returns', async () => (await readiness(worker)).status === 200, {
      timeoutMs: 15_000,
    });
  });

  it('turns 503 naming mongodb within 5 s of a MongoDB kill, and 200 again after MongoDB returns', async () => {
    await mongo.stop();
    await eventually('503 after the MongoDB kill', async () => (await readiness(gateway)).status === 503, {
      timeoutMs: 5_000,
    });
    const down = await readiness(gateway);
    expect(Object.keys(down.body.error ?? {})).toEqual(['mongodb']);

    mongo = await startMongoStandin({ port: mongo.port });
    await eventually(
      'gateway 200 after MongoDB returns',
      async () => (await readiness(gateway)).status === 200,
      {
        timeoutMs: 20_000,
      },
    );
    await eventually(
      'worker 200 after MongoDB returns',
      async () => (await readiness(worker)).status === 200,
      {
        timeoutMs: 20_000,
      },
    );
  });
});
