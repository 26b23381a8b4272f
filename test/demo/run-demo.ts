/**
 * `npm run demo`: the whole product on one machine with nothing but Node and redis-server.
 * Redis from REDIS_URL or redis-server on PATH; MongoDB from MONGO_URL or the in-repo stand-in (demo and
 * tests only, data in memory). Seeds an advertiser, an offer and a source whose endpoint is a local
 * receiver, fires a click and a postback, prints what the receiver got, then stays up with Swagger UI.
 */
import { loadConfig } from '@ricochet/config';
import { PinoLoggerService } from '@ricochet/observability';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { startMongoStandin } from '../mongo-standin/standin';
import { startReceiver } from '../support/receiver';
import { redisServerOnPath, startRedisServer } from '../support/redis-server';

const ADMIN_KEY = process.env.ADMIN_API_KEYS?.split(',')[0] ?? 'demo-admin-key-change-me';
const PORT = process.env.PORT ?? '3000';
const say = (line = ''): boolean => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const shutdown = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    if (!redisServerOnPath()) {
      throw new Error(
        'The demo needs Redis: install redis-server (apt-get install -y redis-server) or set REDIS_URL',
      );
    }
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    redisUrl = redis.url;
  }
  let mongoUrl = process.env.MONGO_URL;
  if (!mongoUrl) {
    const standin = await startMongoStandin();
    cleanups.push(() => standin.stop());
    mongoUrl = `${standin.url}/ricochet_demo`;
  }
  const receiver = await startReceiver();
  cleanups.push(() => receiver.stop());

  const config = loadConfig({
    ...process.env,
    PORT,
    MONGO_URL: mongoUrl,
    REDIS_URL: redisUrl,
    ADMIN_API_KEYS: ADMIN_KEY,
    // The demo's traffic source is a receiver on this machine.
    FORWARD_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const logger = new PinoLoggerService(config.logLevel, 'all-in-one');
  const app = await createGatewayApp(config, { app: 'all-in-one', logger, extraModules: [WorkerModule] });
  cleanups.push(() => app.close());
  await app.listen(config.gateway.port, '127.0.0.1');
  const base = `http://127.0.0.1:${config.gateway.port}`;

  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const advertiser = await post<{ id: string; postbackToken: string }>('/api/advertisers', {
    name: 'Demo Advertiser',
    defaultCurrency: 'USD',
  });
  const offer = await post<{ id: string }>('/api/offers', {
    advertiserId: advertiser.id,
    name: 'Demo Offer',
    url: 'https://offer.example.com/landing?click_id={click_id}&sub1={sub1}',
    payoutRule: { type: 'percent', percent: '70' },
  });
  const source = await post<{ id: string }>('/api/sources', {
    name: 'Demo Traffic Source',
    endpoints: [
      {
        url: `${receiver.url}/conversion.php?visitor_id={ext_click_id}&payout={payout}&status={status}&s={sub1}`,
        method: 'GET',
        statuses: ['approved'],
      },
    ],
  });

  const clickUrl = `${base}/click?offer_id=${offer.id}&source_id=${source.id}&ext_click_id=ts-visitor-42&sub1=spring%20banner`;
  const click = await fetch(clickUrl, { redirect: 'manual' });
  const location = click.headers.get('location') ?? '';
  const clickId = new URL(location).searchParams.get('click_id') ?? '';
  const postbackUrl = `${base}/postback/${advertiser.postbackToken}?cid=${clickId}&payout=12.50&status=approved&txid=ORDER-1001`;
  const postback = await fetch(postbackUrl);

  say();
  say('Ricochet demo — gateway and worker in one process');
  say(
    `  MongoDB: ${process.env.MONGO_URL ? 'MONGO_URL' : 'in-repo stand-in (in memory, demo only)'}; Redis: ${redisUrl}`,
  );
  say();
  say(`1. Click URL (give this to the traffic source):\n   ${clickUrl}`);
  say(`   → ${click.status} Location: ${location}`);
  say(`2. Postback URL (give this to the advertiser):\n   ${postbackUrl}`);
  say(`   → ${postback.status} ${await postback.text()}`);
  await receiver.waitForRequests(1, 15_000);
  const forwarded = receiver.requests[0];
  say(`3. The traffic source's endpoint received:\n   ${forwarded.method} ${receiver.url}${forwarded.path}`);
  say(`   Idempotency-Key: ${String(forwarded.headers['idempotency-key'])}`);
  say();
  say(`Swagger UI: ${base}/docs   (admin key: ${ADMIN_KEY})`);
  say(`Trace:      curl -H 'x-api-key: ${ADMIN_KEY}' ${base}/api/clicks/${clickId}/trace`);
  say('Ctrl-C to stop.');
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
