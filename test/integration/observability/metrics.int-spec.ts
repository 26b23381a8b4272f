import { getConnectionToken } from '@nestjs/mongoose';
import {
  DeliveryBacklogMetrics,
  DependencyMetrics,
  EndpointBreakerMetrics,
  QueueMetrics,
} from '@ricochet/observability';
import {
  AdvertiserRepository,
  type AdvertiserRecord,
  DeliveryRepository,
  OfferRepository,
  type OfferRecord,
  PostbackRepository,
  SourceRepository,
  type SourceRecord,
} from '@ricochet/persistence';
import type { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { eventually } from '../../support/config';
import { type Receiver, startReceiver } from '../../support/receiver';
import { type Apps, type Scrape, scrape, startApps } from './observability.fixture';

/** Counter deltas between two scrapes. */
function delta(before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}): number {
  return after.sum(name, labels) - before.sum(name, labels);
}

// One story, told in order: intake with no worker running (jobs pile up in the queue), then a worker
// drains the queue and delivers to three partners — one healthy, one answering 404, one answering 500.
describe('metrics tell the relay story', () => {
  let apps: Apps;
  let ok: Receiver;
  let missing: Receiver;
  let broken: Receiver;
  let advertiser: AdvertiserRecord;
  let offer: OfferRecord;
  let source: SourceRecord;
  let clickId: string;
  let postbackId: string;
  let postedAt: number;

  beforeAll(async () => {
    // One failure opens a breaker; one try per hour, so the 500 endpoint is tried exactly once.
    apps = await startApps('metrics story', { BREAKER_FAILURES: '1', RETRY_SCHEDULE: '1h' });
    [ok, missing, broken] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
    missing.respondWith({ status: 404 });
    broken.respondWith({ status: 500, body: 'boom' });
    advertiser = await apps.gateway.get(AdvertiserRepository).create({
      name: 'Adv',
      postbackToken: randomBytes(16).toString('base64url'),
    });
    offer = await apps.gateway.get(OfferRepository).create({
      advertiserId: advertiser.id,
      name: 'Offer',
      url: 'https://lander.example/go?cid={click_id}',
    });
    source = await apps.gateway.get(SourceRepository).create({
      name: 'Source',
      endpoints: [ok, missing, broken].map((receiver) => ({
        url: `${receiver.url}/pb?click={ext_click_id}`,
        statuses: ['approved' as const],
      })),
    });
  });

  afterAll(async () => {
    await apps?.close();
    await Promise.all([ok, missing, broken].map((receiver) => receiver?.stop()));
  });

  /** Scrapes the gateway with the scrape-time figures read afresh (they are cached 5–15 s). */
  async function freshGatewayScrape(): Promise<Scrape> {
    for (const collector of [
      QueueMetrics,
      DeliveryBacklogMetrics,
      EndpointBreakerMetrics,
      DependencyMetrics,
    ]) {
      apps.gateway.get(collector).expireCache();
    }
    return scrape(apps.gatewayUrl);
  }

  it('counts clicks and postbacks by result and reason, and times each route by status code', async () => {
    const before = await scrape(apps.gatewayUrl);

    const click = await fetch(
      `${apps.gatewayUrl}/click?offer_id=${offer.id}&source_id=${source.id}&ext_click_id=ext-1`,
      { redirect: 'manual' },
    );
    expect(click.status).toBe(302);
    clickId = new URL(click.headers.get('location') ?? '').searchParams.get('cid') ?? '';
    expect((await fetch(`${apps.gatewayUrl}/click?source_id=${source.id}`)).status).toBe(400);

    const postback = `${apps.gatewayUrl}/postback/${advertiser.postbackToken}`;
    postedAt = Date.now();
    const accepted = await fetch(`${postback}?click_id=${clickId}&payout=12.50&status=approved`);
    expect(accepted.status).toBe(200);
    postbackId = ((await accepted.json()) as { postbackId: string }).postbackId;
    const invalid = await fetch(`${postback}?click_id=${clickId}&payout=12,5`);
    expect(invalid.status).toBe(400);
    const unknown = await fetch(`${apps.gatewayUrl}/postback/not-a-token?click_id=${clickId}`);
    expect(unknown.status).toBe(401);
    expect((await fetch(`${apps.gatewayUrl}/health/live`)).status).toBe(200);

    const after = await scrape(apps.gatewayUrl);
    expect(delta(before, after, 'ricochet_postbacks_received_total', { result: 'accepted' })).toBe(1);
    expect(
      delta(before, after, 'ricochet_postbacks_received_total', {
        result: 'rejected',
        reason: 'INVALID_PAYOUT',
      }),
    ).toBe(1);
    expect(delta(before, after, 'ricochet_postbacks_received_total', { result: 'rejected' })).toBe(1);
    expect(delta(before, after, 'ricochet_postback_invalid_token_total')).toBe(1);

    const timed = 'ricochet_http_request_duration_seconds_count';
    expect(delta(before, after, timed, { route: 'click', status_code: '302' })).toBe(1);
    expect(delta(before, after, timed, { route: 'click', status_code: '400' })).toBe(1);
    expect(delta(before, after, timed, { route: 'postback', status_code: '200' })).toBe(1);
    expect(delta(before, after, timed, { route: 'postback', status_code: '400' })).toBe(1);
    expect(delta(before, after, timed, { route: 'postback', status_code: '401' })).toBe(1);
    expect(delta(before, after, timed)).toBe(5);
    expect(delta(before, after, 'ricochet_http_request_duration_seconds_sum')).toBeGreaterThan(0);
    const slowest = after.select('ricochet_http_request_duration_seconds_bucket', { le: '+Inf' });
    expect(new Set(slowest.map((sample) => sample.labels.route))).toEqual(new Set(['click', 'postback']));
  });

  it('shows the attribution job waiting, and how long it has waited, while no worker runs', async () => {
    const first = await freshGatewayScrape();
    expect(first.value('ricochet_queue_jobs', { queue: 'attribution', state: 'waiting' })).toBe(1);
    expect(first.value('ricochet_queue_jobs', { queue: 'delivery', state: 'waiting' })).toBe(0);
    expect(first.value('ricochet_queue_paused', { queue: 'attribution' })).toBe(0);
    const age = first.value('ricochet_queue_oldest_job_age_seconds', {
      queue: 'attribution',
      state: 'waiting',
    });
    expect(age).toBeGreaterThan(0);
    expect(age).toBeLessThanOrEqual((Date.now() - postedAt) / 1000);
    expect(
      first.value('ricochet_queue_oldest_job_age_seconds', { queue: 'attribution', state: 'delayed' }),
    ).toBe(0);

    const later = await freshGatewayScrape();
    expect(
      later.value('ricochet_queue_oldest_job_age_seconds', { queue: 'attribution', state: 'waiting' }),
    ).toBeGreaterThan(age);
    expect(later.value('ricochet_dependency_up', { dependency: 'mongodb' })).toBe(1);
    expect(later.value('ricochet_dependency_up', { dependency: 'redis' })).toBe(1);
    expect(later.value('ricochet_deliveries', { state: 'dead' })).toBe(0);
    expect(later.value('ricochet_endpoint_breakers', { state: 'open' })).toBe(0);
    expect(later.select('ricochet_endpoint_breaker_state')).toEqual([]);
  });

  it('counts deliveries by outcome and error class once a worker drains the queue', async () => {
    const { url: workerUrl, baseline: before } = await apps.startWorker();
    await Promise.all([ok.waitForRequests(1), missing.waitForRequests(1), broken.waitForRequests(1)]);
    const deliveries = apps.gateway.get(DeliveryRepository);
    await eventually('three deliveries settled', async () => {
      const postback = await apps.gateway.get(PostbackRepository).findById(postbackId);
      if (!postback?.conversionId) return false;
      const states = (await deliveries.listByConversion(postback.conversionId)).map((d) => d.state).sort();
      return states.join() === 'dead,delivered,failed';
    });

    const after = await scrape(workerUrl);
    const jobs = 'ricochet_delivery_jobs_total';
    expect(delta(before, after, jobs, { outcome: 'delivered', error_class: '' })).toBe(1);
    expect(delta(before, after, jobs, { outcome: 'dead', error_class: 'http_4xx' })).toBe(1);
    expect(delta(before, after, jobs, { outcome: 'retry', error_class: 'http_5xx' })).toBe(1);
    expect(delta(before, after, 'ricochet_delivery_attempt_duration_seconds_count')).toBe(3);
    expect(delta(before, after, 'ricochet_postbacks_settled_total', { outcome: 'attributed' })).toBe(1);
    expect(delta(before, after, 'ricochet_conversions_total', { status: 'approved', by: 'postback' })).toBe(
      1,
    );

    const gateway = await freshGatewayScrape();
    expect(gateway.value('ricochet_deliveries', { state: 'dead' })).toBe(1);
    expect(gateway.value('ricochet_deliveries', { state: 'failed' })).toBe(1);
    expect(gateway.value('ricochet_queue_jobs', { queue: 'attribution', state: 'waiting' })).toBe(0);
    expect(
      gateway.value('ricochet_queue_oldest_job_age_seconds', { queue: 'attribution', state: 'waiting' }),
    ).toBe(0);
    // The 500 endpoint's retry waits an hour in the retry lane: delayed, not yet due.
    expect(gateway.value('ricochet_queue_jobs', { queue: 'delivery-retry', state: 'delayed' })).toBe(1);
    expect(
      gateway.value('ricochet_queue_oldest_job_age_seconds', { queue: 'delivery-retry', state: 'delayed' }),
    ).toBe(0);
  });

  it('shows the breaker of the failing endpoint open, and only that one', async () => {
    const brokenEndpoint = source.endpoints[2].id;
    const gateway = await freshGatewayScrape();
    expect(gateway.value('ricochet_endpoint_breakers', { state: 'open' })).toBe(1);
    expect(gateway.value('ricochet_endpoint_breakers', { state: 'half-open' })).toBe(0);
    expect(
      gateway.select('ricochet_endpoint_breaker_state').map((s) => [s.labels.endpoint, s.value]),
    ).toEqual([[brokenEndpoint, 2]]);
    // The worker process reads the same shared state.
    apps.worker!.get(EndpointBreakerMetrics).expireCache();
    const worker = await scrape(apps.workerUrl!);
    expect(worker.value('ricochet_endpoint_breaker_state', { endpoint: brokenEndpoint })).toBe(2);
  });

  it('counts MongoDB commands and command failures by command name', async () => {
    const connection = apps.gateway.get<Connection>(getConnectionToken());
    const before = await scrape(apps.gatewayUrl);
    await expect(connection.db!.command({ ricochetNoSuchCommand: 1 })).rejects.toThrow();
    const after = await scrape(apps.gatewayUrl);
    expect(
      delta(before, after, 'ricochet_mongodb_commands_total', { command: 'ricochetNoSuchCommand' }),
    ).toBe(1);
    expect(
      delta(before, after, 'ricochet_mongodb_command_failures_total', { command: 'ricochetNoSuchCommand' }),
    ).toBe(1);
    expect(after.families().get('ricochet_mongodb_heartbeat_failures_total')).toBe('counter');
  });
});
