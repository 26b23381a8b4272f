import {
  DeliveryBacklogMetrics,
  DependencyMetrics,
  EndpointBreakerMetrics,
  QueueMetrics,
} from '@ricochet/observability';
import { eventually } from '../../support/config';
import { suiteContext } from '../../support/suite';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { type Apps, type Scrape, scrape, startApps } from './observability.fixture';

/** Each scrape-time collector waits at most 2.5 s; the whole scrape must stay within this. */
const SCRAPE_BUDGET_MS = 4_000;

function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

// MongoDB and Redis behind TCP proxies that can freeze (a stalled server: connections stay open, nothing
// answers) or go away: /metrics must keep answering, say which dependency is down, and leave out what it
// could not read instead of serving it stale.
describe('metrics while MongoDB or Redis is frozen or gone', () => {
  let mongo: TcpProxy;
  let redis: TcpProxy;
  let apps: Apps;

  beforeAll(async () => {
    const ctx = suiteContext('metrics degraded');
    [mongo, redis] = await Promise.all([
      startTcpProxy(hostPort(ctx.mongoUrl)),
      startTcpProxy(hostPort(ctx.redisUrl)),
    ]);
    const mongoUrl = mongo.rewrite(ctx.mongoUrl);
    apps = await startApps(
      'metrics degraded',
      {
        // directConnection: the driver must not discover the server's own address and bypass the proxy.
        MONGO_URL: `${mongoUrl}${mongoUrl.includes('?') ? '&' : '?'}directConnection=true`,
        REDIS_URL: redis.rewrite(ctx.redisUrl),
      },
      { ctx },
    );
  });

  afterAll(async () => {
    mongo?.thaw();
    redis?.thaw();
    await apps?.close();
    await Promise.all([mongo?.close(), redis?.close()]);
  });

  async function timedScrape(): Promise<{ scrape: Scrape; ms: number }> {
    for (const collector of [
      QueueMetrics,
      DeliveryBacklogMetrics,
      EndpointBreakerMetrics,
      DependencyMetrics,
    ]) {
      apps.gateway.get(collector).expireCache();
    }
    const started = Date.now();
    const result = await scrape(apps.gatewayUrl);
    return { scrape: result, ms: Date.now() - started };
  }

  const errors = (s: Scrape, collector: string): number =>
    s.sum('ricochet_metrics_collector_errors_total', { collector });

  it('reads everything while both answer', async () => {
    const { scrape: healthy } = await timedScrape();
    expect(healthy.value('ricochet_dependency_up', { dependency: 'mongodb' })).toBe(1);
    expect(healthy.value('ricochet_dependency_up', { dependency: 'redis' })).toBe(1);
    expect(healthy.value('ricochet_deliveries', { state: 'dead' })).toBe(0);
    expect(healthy.select('ricochet_queue_jobs')).toHaveLength(18);
    expect(healthy.sum('ricochet_metrics_collector_errors_total')).toBe(0);
  });

  it('answers within its budget while MongoDB is frozen, without the MongoDB counts', async () => {
    const before = await scrape(apps.gatewayUrl);
    mongo.freeze();
    const { scrape: frozen, ms } = await timedScrape();
    expect(ms).toBeLessThan(SCRAPE_BUDGET_MS);
    expect(frozen.value('ricochet_dependency_up', { dependency: 'mongodb' })).toBe(0);
    expect(frozen.value('ricochet_dependency_up', { dependency: 'redis' })).toBe(1);
    expect(frozen.select('ricochet_deliveries')).toEqual([]);
    expect(errors(frozen, 'deliveries') - errors(before, 'deliveries')).toBe(1);
    expect(frozen.select('ricochet_queue_jobs')).toHaveLength(18);

    mongo.thaw();
    await eventually('MongoDB counts back', async () => {
      const { scrape: back } = await timedScrape();
      return (
        back.select('ricochet_deliveries', { state: 'dead' }).length === 1 &&
        back.value('ricochet_dependency_up', { dependency: 'mongodb' }) === 1
      );
    });
  });

  it('answers within its budget while Redis is frozen, without the Redis figures', async () => {
    const before = await scrape(apps.gatewayUrl);
    redis.freeze();
    const { scrape: frozen, ms } = await timedScrape();
    expect(ms).toBeLessThan(SCRAPE_BUDGET_MS);
    expect(frozen.value('ricochet_dependency_up', { dependency: 'redis' })).toBe(0);
    expect(frozen.value('ricochet_dependency_up', { dependency: 'mongodb' })).toBe(1);
    expect(frozen.select('ricochet_queue_jobs')).toEqual([]);
    expect(frozen.select('ricochet_queue_oldest_job_age_seconds')).toEqual([]);
    expect(frozen.select('ricochet_endpoint_breakers')).toEqual([]);
    expect(errors(frozen, 'queues') - errors(before, 'queues')).toBe(1);
    expect(errors(frozen, 'breakers') - errors(before, 'breakers')).toBe(1);
    expect(frozen.value('ricochet_deliveries', { state: 'dead' })).toBe(0);

    redis.thaw();
    await eventually('Redis figures back', async () => {
      const { scrape: back } = await timedScrape();
      return (
        back.select('ricochet_queue_jobs').length === 18 &&
        back.value('ricochet_dependency_up', { dependency: 'redis' }) === 1
      );
    });
  });

  it('counts Redis connection errors while Redis is gone, and stops once it is back', async () => {
    const before = await scrape(apps.gatewayUrl);
    const port = redis.port;
    await redis.close();
    await eventually('Redis errors counted', async () => {
      const now = await scrape(apps.gatewayUrl);
      return (
        now.sum('ricochet_redis_errors_total', { client: 'queue' }) >
        before.sum('ricochet_redis_errors_total')
      );
    });
    const { scrape: gone, ms } = await timedScrape();
    expect(ms).toBeLessThan(SCRAPE_BUDGET_MS);
    expect(gone.value('ricochet_dependency_up', { dependency: 'redis' })).toBe(0);

    redis = await startTcpProxy(hostPort(apps.ctx.redisUrl), { port });
    await eventually(
      'Redis reconnected',
      async () => {
        const { scrape: back } = await timedScrape();
        return back.value('ricochet_dependency_up', { dependency: 'redis' }) === 1;
      },
      { timeoutMs: 15_000 },
    );
    const settled = await scrape(apps.gatewayUrl);
    const again = await scrape(apps.gatewayUrl);
    expect(again.sum('ricochet_redis_errors_total')).toBe(settled.sum('ricochet_redis_errors_total'));
  });
});
