import { eventually } from '../../support/config';
import { type Receiver, startReceiver } from '../../support/receiver';
import { seedAndEnqueue, startWorker, waitForState, type WorkerHarness } from './delivery.fixture';

describe('delivery throttling per endpoint', () => {
  let h: WorkerHarness;
  let receiver: Receiver;

  beforeAll(async () => {
    h = await startWorker('delivery throttling', {
      RETRY_SCHEDULE: '200ms,300ms,400ms,500ms,600ms,700ms',
      FORWARD_CONNECT_TIMEOUT: '500ms',
      FORWARD_TIMEOUT: '1s',
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  beforeEach(async () => {
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await receiver.stop();
  });

  it('opens the circuit after repeated failures and then delays without consuming attempts', async () => {
    receiver.respondWith(...Array.from({ length: 20 }, () => ({ status: 500 })));
    const { delivery, endpointId, conversion } = await seedAndEnqueue(h, {
      endpoint: { url: `${receiver.url}/down` },
    });
    await receiver.waitForRequests(5);
    // The 6th attempt is due ~0.6 s after the 5th, but five failures opened the circuit for 30 s.
    const breakerDelayed = async (jobId: string, queue: 'delivery' | 'delivery-retry') => {
      const job = await h.queue(queue).getJob(jobId);
      return (await job?.getState()) === 'delayed' && (job?.delay ?? 0) > 20_000;
    };
    await eventually('6th job re-delayed by the breaker', () =>
      breakerDelayed(`dl_${delivery.id}`, 'delivery-retry'),
    );
    const job = await h.queue('delivery-retry').getJob(`dl_${delivery.id}`);
    expect(job?.attemptsMade).toBe(0);

    // A fresh delivery to the same endpoint is held back too, without an attempt.
    const { clickId, offerId, sourceId, advertiserId, status, revenue, payout, currency } = conversion;
    const second = await h.conversions.insertIfAbsent({
      ...{ clickId, offerId, sourceId, advertiserId, status, revenue, payout, currency },
      event: 'second',
    });
    if (!second.created) throw new Error('conversion collided');
    const created = await h.deliveries.createIfAbsent({
      conversionId: second.conversion.id,
      endpointId,
      sourceId,
      status,
    });
    if (!created.created) throw new Error('delivery collided');
    await h.producer.enqueue(created.delivery.id, 'first');
    await eventually('fresh job delayed by the breaker', () =>
      breakerDelayed(`dl_${created.delivery.id}`, 'delivery'),
    );

    expect((await h.deliveries.findById(delivery.id))?.attempts).toBe(5);
    expect(await h.attempts.listByDelivery(delivery.id)).toHaveLength(5);
    expect(await h.deliveries.findById(created.delivery.id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await h.attempts.listByDelivery(created.delivery.id)).toHaveLength(0);
    expect(receiver.requests).toHaveLength(5);

    // What admins see: the real next attempt (when the breaker lets a probe through, ~30 s after it
    // opened), not a time in the past or the sweeper's lease.
    for (const id of [delivery.id, created.delivery.id]) {
      const nextAttemptAt = (await h.deliveries.findById(id))?.nextAttemptAt?.getTime() ?? 0;
      expect(nextAttemptAt).toBeGreaterThan(Date.now() + 15_000);
      expect(nextAttemptAt).toBeLessThanOrEqual(Date.now() + 31_000);
    }
  });

  it('spreads requests to an endpoint with maxRps over time, without consuming attempts', async () => {
    const first = await seedAndEnqueue(h, {
      endpoint: { url: `${receiver.url}/limited?c={click_id}`, maxRps: 2 },
    });
    const ids = [first.delivery.id];
    for (let i = 0; i < 5; i += 1) {
      const { clickId, offerId, sourceId, advertiserId, status, revenue, payout, currency } =
        first.conversion;
      const inserted = await h.conversions.insertIfAbsent({
        ...{ clickId, offerId, sourceId, advertiserId, status, revenue, payout, currency },
        event: `e${i}`,
      });
      if (!inserted.created) throw new Error('conversion collided');
      const created = await h.deliveries.createIfAbsent({
        conversionId: inserted.conversion.id,
        endpointId: first.endpointId,
        sourceId,
        status,
      });
      if (!created.created) throw new Error('delivery collided');
      ids.push(created.delivery.id);
      await h.producer.enqueue(created.delivery.id, 'first');
    }
    const requests = await receiver.waitForRequests(6, 15_000);
    // Burst 2, then 2 per second: the 6th request cannot come before ~2 s after the first.
    const spanMs = requests[5].receivedAt.getTime() - requests[0].receivedAt.getTime();
    expect(spanMs).toBeGreaterThanOrEqual(1_500);
    for (const id of ids) {
      const done = await waitForState(h, id, 'delivered');
      expect(done.attempts).toBe(1);
    }
  });
});
