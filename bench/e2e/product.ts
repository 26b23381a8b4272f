/**
 * The product as deployed: MongoDB (MONGO_URL, else the in-repo stand-in in its own process), redis-server
 * with AOF (or a Redis Cluster of such servers, e2e/redis-cluster.ts), and the compiled gateway and
 * worker, each its own process. Seeded through the admin API with one advertiser, one offer and one
 * source whose endpoint is the benchmark's receiver.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port';
import { partitionPrefixes } from '../../libs/queue/src/queue-partitions';
import type { Chain, RedisLayout, Role } from './chain';
import { extOf } from './ids';
import { DEFAULT_CLUSTER_PARTITIONS } from './options';
import { ClusterRedisProbe, OpcounterProbe, type RedisMeter, RedisProbe } from './probes';
import {
  kill,
  type Proc,
  ROOT,
  spawnProc,
  spawnTs,
  startRedis,
  waitForHttp,
  waitForOutput,
} from './processes';
import { startRedisCluster } from './redis-cluster';

const ADMIN_KEY = 'bench-e2e-admin-key-0123456789';
/** The gateway serves `/metrics` on its public port only behind this token (ignored by older builds). */
const METRICS_TOKEN = 'bench-e2e-metrics-token-0123456789';
/** `POST /api/clicks` takes at most this many clicks per request. */
const CLICK_BATCH = 1000;
const QUEUE_PREFIX = 'bench-e2e';

export const COMPILED = {
  gateway: join(ROOT, 'dist/apps/gateway/src/main.js'),
  worker: join(ROOT, 'dist/apps/worker/src/main.js'),
};

export interface ProductSetup {
  /** Gateway and worker processes; the load goes round-robin to the gateways, CPU is summed per role. */
  gateways: number;
  workers: number;
  /** One redis-server, or a Redis Cluster of 3 primaries + 3 replicas (its 6 processes are the `redis` role). */
  redis?: 'single' | 'cluster';
  /** QUEUE_PARTITIONS; unset: the product's default (and whatever the environment says). */
  partitions?: number;
}

export async function startProduct(
  receiver: { url: string; proc: Proc },
  setup: ProductSetup = { gateways: 1, workers: 1 },
): Promise<Chain> {
  const topology = setup;
  const procs: Partial<Record<Role, Proc>> = { receiver: receiver.proc };
  const extraRedis: Proc[] = [];
  const ownProcs: Proc[] = [];
  const closers: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    for (const proc of ownProcs.splice(0).reverse()) await kill(proc);
  };
  try {
    return await start();
  } catch (error) {
    await stop();
    throw error;
  }

  async function start(): Promise<Chain> {
    let mongoUrl = process.env.MONGO_URL;
    if (!mongoUrl) {
      const port = await freePort();
      const standin = spawnTs('mongo stand-in', 'test/mongo-standin/main.ts', ['--port', String(port)]);
      ownProcs.push(standin);
      procs.mongo = standin;
      await waitForOutput(standin, 'listening');
      mongoUrl = `mongodb://127.0.0.1:${port}/ricochet_bench_e2e`;
    }
    let redisEnv: NodeJS.ProcessEnv;
    let redisProbe: RedisMeter;
    let redisLayout: RedisLayout;
    if (setup.redis === 'cluster') {
      const partitions = setup.partitions ?? DEFAULT_CLUSTER_PARTITIONS;
      // A key of each partition: its hash tag decides the slot, so the primary.
      const keys = partitionPrefixes(QUEUE_PREFIX, partitions, true).map((prefix) => `${prefix}:x`);
      const cluster = await startRedisCluster(keys);
      ownProcs.push(...cluster.procs);
      procs.redis = cluster.procs[0];
      extraRedis.push(...cluster.procs.slice(1));
      redisProbe = new ClusterRedisProbe(cluster.addresses);
      redisLayout = { mode: 'cluster', partitions, primaries: cluster.primaries };
      redisEnv = {
        REDIS_URL: '',
        REDIS_SENTINELS: '',
        REDIS_CLUSTER_NODES: cluster.addresses.join(','),
        QUEUE_PARTITIONS: String(partitions),
      };
    } else {
      const redis = await startRedis('redis');
      ownProcs.push(redis.proc);
      procs.redis = redis.proc;
      redisProbe = new RedisProbe(redis.url);
      redisLayout = { mode: 'single', ...(setup.partitions ? { partitions: setup.partitions } : {}) };
      redisEnv = {
        REDIS_URL: redis.url,
        REDIS_SENTINELS: '',
        REDIS_CLUSTER_NODES: '',
        ...(setup.partitions ? { QUEUE_PARTITIONS: String(setup.partitions) } : {}),
      };
    }
    // Calibrated before the gateway and worker connect.
    closers.push(() => redisProbe.stop());
    await redisProbe.start();

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      MONGO_URL: mongoUrl,
      ...redisEnv,
      ADMIN_API_KEYS: ADMIN_KEY,
      METRICS_TOKEN,
      // The receiver is on 127.0.0.1, which the SSRF guard refuses by default.
      FORWARD_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      QUEUE_PREFIX,
    };
    const gateways: Array<{ proc: Proc; base: string }> = [];
    const workers: Array<{ proc: Proc; base: string }> = [];
    for (let n = 0; n < topology.gateways; n += 1) {
      const port = await freePort();
      const name = topology.gateways > 1 ? `gateway-${n + 1}` : 'gateway';
      const proc = spawnProc(name, process.execPath, [COMPILED.gateway], {
        ...env,
        PORT: String(port),
        WORKER_PORT: String(await freePort()),
      });
      gateways.push({ proc, base: `http://127.0.0.1:${port}` });
    }
    for (let n = 0; n < topology.workers; n += 1) {
      const port = await freePort();
      const name = topology.workers > 1 ? `worker-${n + 1}` : 'worker';
      // Each worker runs with the node options of `npm run start:worker` (its heap bound), as users run it.
      const proc = spawnProc(
        name,
        process.execPath,
        [...startScriptNodeOptions('start:worker'), COMPILED.worker],
        {
          ...env,
          PORT: String(await freePort()),
          WORKER_PORT: String(port),
        },
      );
      workers.push({ proc, base: `http://127.0.0.1:${port}` });
    }
    ownProcs.push(...gateways.map((g) => g.proc), ...workers.map((w) => w.proc));
    procs.intake = gateways[0].proc;
    procs.worker = workers[0].proc;
    const extraProcs = {
      intake: gateways.slice(1).map((g) => g.proc),
      worker: workers.slice(1).map((w) => w.proc),
      redis: extraRedis,
    };
    const base = gateways[0].base;
    for (const { proc, base: origin } of [...gateways, ...workers]) {
      await waitForHttp(proc, `${origin}/health/ready`);
    }

    const admin = async <T>(path: string, body: unknown): Promise<T> => {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
        body: JSON.stringify(body),
        // Bounded, but generous: 1,000 clicks per request on a busy machine.
        signal: AbortSignal.timeout(300_000),
      });
      if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const advertiser = await admin<{ id: string; postbackToken: string }>('/api/advertisers', {
      name: 'Bench advertiser',
    });
    const offer = await admin<{ id: string }>('/api/offers', {
      advertiserId: advertiser.id,
      name: 'Bench offer',
      url: 'https://offer.example.com/lp?cid={click_id}',
    });
    const source = await admin<{ id: string }>('/api/sources', {
      name: 'Bench source',
      endpoints: [
        {
          url: `${receiver.url}/pb?cid={ext_click_id}&p={payout}&s={status}`,
          method: 'GET',
        },
      ],
    });

    const opcounters = new OpcounterProbe();
    closers.push(() => opcounters.stop());
    await opcounters.start(mongoUrl);

    return {
      name: 'product',
      intakeOrigin: base,
      ...(gateways.length > 1 ? { intakeOrigins: gateways.map((g) => g.base) } : {}),
      postbackPath: (clickId, txid) =>
        `/postback/${advertiser.postbackToken}?click_id=${clickId}&payout=1.50&txid=${txid}`,
      prepare: async (clickIds) => {
        for (let at = 0; at < clickIds.length; at += CLICK_BATCH) {
          const clicks = clickIds.slice(at, at + CLICK_BATCH).map((clickId) => ({
            clickId,
            offerId: offer.id,
            sourceId: source.id,
            extClickId: extOf(clickId),
          }));
          const result = await admin<{ created: number }>('/api/clicks', { clicks });
          if (result.created !== clicks.length) {
            throw new Error(`POST /api/clicks created ${result.created} of ${clicks.length}`);
          }
        }
      },
      procs,
      extraProcs,
      redis: redisProbe,
      redisLayout,
      metrics: Object.fromEntries(
        [...gateways, ...workers].map(({ proc, base: origin }) => [
          proc.name,
          { url: `${origin}/metrics`, headers: { authorization: `Bearer ${METRICS_TOKEN}` } },
        ]),
      ),
      opcounters,
      stop,
    };
  }
}

/** The `--flags` a package.json start script passes to node before the entry point. */
function startScriptNodeOptions(script: string): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const words = (scripts[script] ?? '').split(/\s+/);
  if (words[0] !== 'node') return [];
  return words.slice(1).filter((word) => word.startsWith('--'));
}
