/**
 * The ceiling's intake, in its own process: bare fastify, parse the query, one BullMQ `queue.add` with
 * ids-only data, 200. No MongoDB, no validation beyond "the token and click id are there".
 *
 *   ceiling-intake.ts <port> <redisUrl> <queuePrefix> <token>
 */
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { CEILING_QUEUE, type CeilingJob } from './ceiling-queue';

const [port, redisUrl, prefix, token] = process.argv.slice(2);

const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue<CeilingJob>(CEILING_QUEUE, { connection, prefix });
const app = Fastify();

type Query = Record<string, string | string[] | undefined>;

app.get<{ Params: { token: string }; Querystring: Query }>('/postback/:token', async (request, reply) => {
  if (request.params.token !== token) return reply.code(401).send({ error: 'UNKNOWN_TOKEN' });
  const { click_id: clickId, txid } = request.query;
  if (typeof clickId !== 'string' || clickId === '')
    return reply.code(400).send({ error: 'MISSING_CLICK_ID' });
  if (typeof txid !== 'string' || txid === '') return reply.code(400).send({ error: 'MISSING_TXID' });
  // Like the product: a deterministic job id, removed when done, a bounded failed-job history.
  await queue.add(
    'deliver',
    { clickId },
    { jobId: `c_${txid}`, removeOnComplete: true, removeOnFail: { count: 1000 } },
  );
  return { status: 'accepted' };
});

app.listen({ port: Number(port), host: '127.0.0.1' }).then(
  (address) => process.stdout.write(`ceiling intake listening ${address}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
