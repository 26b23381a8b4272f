/**
 * The ceiling: the product's job with nothing but the unavoidable parts, each in its own process —
 * bare fastify intake → BullMQ (its own redis-server, same settings) → a BullMQ Worker → undici
 * keep-alive request to the same receiver. No MongoDB, no validation, no attribution.
 */
import { freePort } from '../../test/support/free-port';
import type { Chain, Role } from './chain';
import { RedisProbe } from './probes';
import { spawnCompiled } from './compile';
import { kill, type Proc, startRedis, waitForOutput } from './processes';

const TOKEN = 'ceiling-token';
const PREFIX = 'bench-ceiling';

/** `concurrency`: the worker's, matching the product's DELIVERY_CONCURRENCY. */
export async function startCeiling(
  receiver: { url: string; proc: Proc },
  concurrency: number,
): Promise<Chain> {
  const redis = await startRedis('redis');
  const redisProbe = new RedisProbe(redis.url);
  await redisProbe.start();
  const port = await freePort();
  const intake = spawnCompiled('fastify intake', 'ceiling-intake.ts', [
    String(port),
    redis.url,
    PREFIX,
    TOKEN,
  ]);
  const worker = spawnCompiled('bullmq worker', 'ceiling-worker.ts', [
    redis.url,
    PREFIX,
    receiver.url,
    String(concurrency),
  ]);
  const own = [intake, worker, redis.proc];
  await waitForOutput(intake, 'listening');
  await waitForOutput(worker, 'ready');
  const procs: Partial<Record<Role, Proc>> = { intake, worker, redis: redis.proc, receiver: receiver.proc };
  return {
    name: 'ceiling',
    intakeOrigin: `http://127.0.0.1:${port}`,
    postbackPath: (clickId, txid) => `/postback/${TOKEN}?click_id=${clickId}&payout=1.50&txid=${txid}`,
    prepare: () => Promise.resolve(),
    procs,
    redis: redisProbe,
    redisLayout: { mode: 'single' },
    metrics: {},
    stop: async () => {
      await redisProbe.stop();
      for (const proc of own) await kill(proc);
    },
  };
}
