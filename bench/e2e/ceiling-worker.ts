/**
 * The ceiling's worker, in its own process: a BullMQ Worker whose processor forwards each job to the
 * receiver with `undici.request` over a keep-alive Agent (what the product's worker uses), and fails the
 * job on a non-2xx answer. The "click lookup" is a string operation: the ext click id is derived from
 * the click id (ids.ts), where the product reads the click from MongoDB.
 *
 *   ceiling-worker.ts <redisUrl> <queuePrefix> <receiverBase> <concurrency>
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { CEILING_QUEUE, type CeilingJob } from './ceiling-queue';
import { extOf } from './ids';

const [redisUrl, prefix, receiverBase, concurrency] = process.argv.slice(2);

const agent = new Agent({ keepAliveTimeout: 30_000, connections: Number(concurrency) });
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });

const worker = new Worker<CeilingJob>(
  CEILING_QUEUE,
  async (job) => {
    const cid = encodeURIComponent(extOf(job.data.clickId));
    const { statusCode, body } = await request(`${receiverBase}/pb?cid=${cid}&p=1.50&s=approved`, {
      dispatcher: agent,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    await body.dump();
    if (statusCode < 200 || statusCode >= 300) throw new Error(`receiver answered ${statusCode}`);
  },
  { connection, prefix, concurrency: Number(concurrency) },
);
worker.on('error', (error) => process.stderr.write(`worker error: ${error.message}\n`));

worker.waitUntilReady().then(
  () => process.stdout.write('ceiling worker ready\n'),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
