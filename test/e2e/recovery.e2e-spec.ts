import { Redis } from 'ioredis';
import { SweeperService } from '../../apps/worker/src/sweeper/sweeper.service';
import { eventually } from '../support/config';
import { Relay } from './relay.fixture';

/** Past the sweeper's grace period, so work that lost its job is due for re-enqueueing. */
const LATER = () => new Date(Date.now() + 10 * 60_000);

describe('nothing is lost when Redis loses the queue (MongoDB is the system of record)', () => {
  let relay: Relay;
  let redis: Redis;

  /** What a Redis restart without persistence does to this suite's queues. */
  async function loseQueuedJobs(): Promise<number> {
    const keys = await redis.keys(`${relay.config.redis.queuePrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    return keys.length;
  }

  beforeAll(async () => {
    relay = await Relay.start('e2e-recovery', {}, { worker: false });
    redis = new Redis(relay.config.redis.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await relay?.close();
  });

  it('forwards a postback accepted before its job was lost, once the sweeper finds it', async () => {
    const campaign = await relay.campaign({
      endpoints: [{ url: `${relay.receiver.url}/recovered?visitor_id={ext_click_id}&payout={payout}` }],
    });
    const { clickId } = await relay.click(campaign, { ext_click_id: 'lost-job-1' });
    const answer = await relay.postback(campaign.token, { cid: clickId, payout: '6.60', txid: 'LOST-1' });
    expect(answer.status).toBe(200);
    expect(await loseQueuedJobs()).toBeGreaterThan(0);

    await relay.startWorker();
    const report = await relay.worker.get(SweeperService).sweepOnce(LATER());
    expect(report.postbacks).toBe(1);
    const request = await relay.forwarded((r) => r.path.startsWith('/recovered'));
    expect(Relay.query(request).get('visitor_id')).toBe('lost-job-1');
    expect(Relay.query(request).get('payout')).toBe('6.60');
  });

  it('delivers a retry whose delayed job was lost, once the sweeper finds it', async () => {
    relay.receiver.respondWith({ status: 503 });
    const campaign = await relay.campaign({
      endpoints: [{ url: `${relay.receiver.url}/retry-lost?visitor_id={ext_click_id}`, retrySchedule: '1h' }],
    });
    const { clickId } = await relay.click(campaign, { ext_click_id: 'lost-retry-1' });
    await relay.postback(campaign.token, { cid: clickId, txid: 'LOST-2' });
    await relay.forwarded((r) => r.path.startsWith('/retry-lost'));
    const [conversion] = await relay.conversionsOfClick(clickId);
    let deliveryId = '';
    await eventually('the delivery to wait for its retry', async () => {
      const [delivery] = await relay.deliveriesOf(String(conversion.id));
      deliveryId = delivery?.id ?? '';
      return delivery?.state === 'failed';
    });
    // The retry is an hour away in a delayed job; lose it.
    expect(await loseQueuedJobs()).toBeGreaterThan(0);

    const report = await relay.worker.get(SweeperService).sweepOnce(new Date(Date.now() + 2 * 3_600_000));
    expect(report.deliveries).toBe(1);
    await eventually('the recovered delivery', async () => {
      const detail = await relay.admin<{ state: string; attemptLog: Array<{ trigger: string }> }>(
        'GET',
        `/api/deliveries/${deliveryId}`,
      );
      return (
        detail.state === 'delivered' && detail.attemptLog.map((a) => a.trigger).join() === 'first,sweeper'
      );
    });
    expect(relay.receiver.requests.filter((r) => r.path.startsWith('/retry-lost'))).toHaveLength(2);
  });
});
