import { verifyStandardWebhook } from '@ricochet/domain/delivery';
import { Redis } from 'ioredis';
import { AlertNotifier } from '../../apps/worker/src/alerts/alert-notifier';
import { eventually } from '../support/config';
import { type Receiver, type RecordedRequest, startReceiver } from '../support/receiver';
import { Relay } from './relay.fixture';

const SECRET = 'whsec_' + Buffer.from('alert-secret-for-the-e2e-test-0123').toString('base64');

interface AlertBody {
  id: string;
  kind: string;
  subject: string;
  summary: string;
  details: Record<string, unknown>;
  suppressed: number;
}

describe('operator alerts to a webhook', () => {
  let relay: Relay;
  let alerts: Receiver;

  beforeAll(async () => {
    alerts = await startReceiver();
    relay = await Relay.start('e2e-alerts', {
      ALERT_WEBHOOK_URL: `${alerts.url}/hooks/ricochet`,
      ALERT_WEBHOOK_SECRET: SECRET,
      ALERT_INTERVAL: '1m',
      ALERT_UNATTRIBUTED_MIN: '3',
      ALERT_UNATTRIBUTED_PERCENT: '50',
      BREAKER_FAILURES: '2',
      CLICK_WAIT: '1s',
    });
  });
  afterAll(async () => {
    await relay?.close();
    await alerts?.stop();
  });

  /** Waits for the next alert of this kind and checks its signature. */
  async function alertOf(kind: string): Promise<AlertBody> {
    let found: RecordedRequest | undefined;
    for (let n = 1; found === undefined; n += 1) {
      const received = await alerts.waitForRequests(n, 20_000);
      found = received.find((request) => (JSON.parse(request.body) as AlertBody).kind === kind);
    }
    const verified = verifyStandardWebhook({
      headers: found.headers as Record<string, string>,
      body: found.body,
      secret: SECRET,
      nowSec: Math.floor(Date.now() / 1000),
    });
    expect(verified).toBe(true);
    expect(found.headers['content-type']).toBe('application/json');
    return JSON.parse(found.body) as AlertBody;
  }

  /** One conversion through the campaign; resolves once its delivery reached `state`. */
  async function convert(
    campaign: Awaited<ReturnType<Relay['campaign']>>,
    ext: string,
    state?: string,
  ): Promise<void> {
    const { clickId } = await relay.click(campaign, { ext_click_id: ext });
    const answer = await relay.postback(campaign.token, { cid: clickId, payout: '1', txid: ext });
    await relay.waitForPostbackOutcome(String(answer.body.postbackId), 'attributed');
    if (state === undefined) return;
    const [conversion] = await relay.conversionsOfClick(clickId);
    await eventually(`delivery of ${ext} ${state}`, async () => {
      const deliveries = await relay.deliveriesOf(String(conversion.id));
      return deliveries.length === 1 && deliveries[0].state === state;
    });
  }

  it('alerts once per endpoint and interval when deliveries go dead, counting the ones held back', async () => {
    relay.receiver.respondWith({ status: 404 }, { status: 404 });
    const campaign = await relay.campaign({
      endpoints: [{ url: `${relay.receiver.url}/missing?c={ext_click_id}` }],
    });
    await convert(campaign, 'dead-1', 'dead');
    const first = await alertOf('delivery.dead');
    expect(first).toMatchObject({
      subject: campaign.endpointIds[0],
      suppressed: 0,
      details: { endpointId: campaign.endpointIds[0], statusCode: 404, attemptNo: 1 },
    });
    expect(first.summary).toContain('HTTP 404');
    const before = alerts.requests.length;
    await convert(campaign, 'dead-2', 'dead');
    // The second dead delivery of the same endpoint is held back (the gate is in Redis).
    await relay.worker.get(AlertNotifier).settled();
    expect(alerts.requests.slice(before).map((r) => (JSON.parse(r.body) as AlertBody).kind)).not.toContain(
      'delivery.dead',
    );
    // Once the interval is over (its Redis key gone), the next one goes out and says what was held back.
    const redis = new Redis(relay.config.redis.url);
    await redis.del(`${relay.config.redis.queuePrefix}:alert:delivery.dead:${campaign.endpointIds[0]}`);
    redis.disconnect();
    relay.receiver.respondWith({ status: 404 });
    await convert(campaign, 'dead-3', 'dead');
    await relay.worker.get(AlertNotifier).settled();
    const next = alerts.requests
      .slice(before)
      .map((r) => JSON.parse(r.body) as AlertBody)
      .filter((alert) => alert.kind === 'delivery.dead');
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ suppressed: 1, details: { statusCode: 404 } });
  });

  it('alerts when an endpoint answers 410 and is disabled', async () => {
    relay.receiver.respondWith({ status: 410 });
    const campaign = await relay.campaign({
      endpoints: [{ url: `${relay.receiver.url}/gone?c={ext_click_id}` }],
    });
    await convert(campaign, 'gone-1');
    const alert = await alertOf('endpoint.disabled');
    expect(alert).toMatchObject({
      subject: campaign.endpointIds[0],
      details: { endpointId: campaign.endpointIds[0], sourceId: campaign.sourceId, reason: 'HTTP 410 Gone' },
    });
  });

  it("alerts when an endpoint's circuit breaker opens", async () => {
    relay.receiver.respondWith({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const campaign = await relay.campaign({
      endpoints: [{ url: `${relay.receiver.url}/down?c={ext_click_id}` }],
    });
    await convert(campaign, 'down-1');
    await convert(campaign, 'down-2');
    const alert = await alertOf('endpoint.breaker_opened');
    expect(alert).toMatchObject({
      subject: campaign.endpointIds[0],
      details: { endpointId: campaign.endpointIds[0] },
    });
  });

  it("alerts when most of an advertiser's postbacks find no click", async () => {
    const campaign = await relay.campaign({
      endpoints: [{ url: `${relay.receiver.url}/ok?c={ext_click_id}` }],
    });
    for (const n of [1, 2, 3]) {
      const answer = await relay.postback(campaign.token, { cid: `no-such-click-${n}`, txid: `u${n}` });
      expect(answer.status).toBe(200);
    }
    const alert = await alertOf('advertiser.unattributed_spike');
    expect(alert).toMatchObject({
      subject: campaign.advertiserId,
      details: { advertiserId: campaign.advertiserId, unattributed: 3, percent: 100 },
    });
  });
});
