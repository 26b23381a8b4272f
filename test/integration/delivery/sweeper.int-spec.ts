import { eventually } from '../../support/config';
import { type Receiver, startReceiver } from '../../support/receiver';
import { SweeperService } from '../../../apps/worker/src/sweeper/sweeper.service';
import { DELIVERY_JOB, JobIds } from '@ricochet/queue';
import { seedDelivery, startWorker, waitForState, type WorkerHarness } from './delivery.fixture';

describe('sweeper', () => {
  let h: WorkerHarness;
  let receiver: Receiver;

  beforeAll(async () => {
    // A long interval: the test drives sweeps itself.
    h = await startWorker('sweeper', { SWEEPER_INTERVAL: '1h' });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver?.stop();
    await h?.close();
  });

  it('re-enqueues a due delivery whose job was lost, and leaves fresh ones alone', async () => {
    const lost = await seedDelivery(h, {
      endpoint: { url: `${receiver.url}/lost?c={click_id}` },
      nextAttemptAt: new Date(Date.now() - 5 * 60_000),
    });
    const fresh = await seedDelivery(h, { endpoint: { url: `${receiver.url}/fresh` } });
    const sweeper = h.app.get(SweeperService);

    const report = await sweeper.sweepOnce();
    expect(report.deliveries).toBe(1);
    const [request] = await receiver.waitForRequests(1);
    expect(request.path).toBe(`/lost?c=${lost.click.clickId}`);
    await eventually('lost delivery delivered', async () => {
      return (await h.deliveries.findById(lost.delivery.id))?.state === 'delivered';
    });
    const attempts = await h.attempts.listByDelivery(lost.delivery.id);
    expect(attempts.map((a) => [a.attemptNo, a.trigger])).toEqual([[1, 'sweeper']]);
    expect((await h.deliveries.findById(fresh.delivery.id))?.state).toBe('pending');

    // Claimed work is leased: an immediate second sweep finds nothing.
    expect(await sweeper.sweepOnce()).toEqual({ postbacks: 0, plans: 0, deliveries: 0 });
  });

  it('replaces a job that ended but kept its id, which would otherwise swallow every re-enqueue', async () => {
    const stuck = await seedDelivery(h, { endpoint: { url: `${receiver.url}/stuck?c={click_id}` } });
    // A job that ran and was kept (as a failed or completed job used to be) holds the delivery's job id:
    // run one to completion while the delivery is delivered, then make the delivery due again.
    await h.deliveries.markDelivered(stuck.delivery.id, { statusCode: 200 });
    const queue = h.queue('delivery');
    const jobId = JobIds.delivery(stuck.delivery.id);
    await queue.add(
      DELIVERY_JOB,
      { deliveryId: stuck.delivery.id, trigger: 'first' },
      { jobId, removeOnComplete: false },
    );
    await eventually('kept job completed', async () => (await queue.getJobState(jobId)) === 'completed');
    await h.deliveries.resetForReplay(stuck.delivery.id, new Date(Date.now() - 5 * 60_000));
    // Re-enqueueing the old way is silently ignored: the job stays completed and nothing is sent.
    await queue.add(DELIVERY_JOB, { deliveryId: stuck.delivery.id, trigger: 'sweeper' }, { jobId });
    expect(await queue.getJobState(jobId)).toBe('completed');

    const report = await h.app.get(SweeperService).sweepOnce();

    expect(report.deliveries).toBe(1);
    await waitForState(h, stuck.delivery.id, 'delivered');
    expect(receiver.requests.map((request) => request.path)).toContain(`/stuck?c=${stuck.click.clickId}`);
  });

  it('plans the forwards of a status change whose plan job was lost', async () => {
    const seeded = await seedDelivery(h, {
      endpoint: { url: `${receiver.url}/reversal?s={status}`, statuses: ['approved', 'rejected'] },
    });
    await h.deliveries.markDelivered(seeded.delivery.id, { statusCode: 200 });
    // An admin reversal recorded with its "plan due" marker, and its job never enqueued.
    const past = new Date(Date.now() - 5 * 60_000);
    await h.conversions.transitionStatus(
      seeded.conversion.id,
      'approved',
      'rejected',
      { by: 'admin', at: past },
      {},
      { planDue: { reversal: true } },
    );

    const report = await h.app.get(SweeperService).sweepOnce();

    expect(report.plans).toBe(1);
    await eventually('reversal forwarded', () =>
      Promise.resolve(receiver.requests.some((request) => request.path === '/reversal?s=rejected')),
    );
    await eventually('plan marker cleared', async () => {
      return (await h.conversions.findById(seeded.conversion.id))?.pendingPlans.length === 0;
    });
  });

  it('joins a running sweep instead of overlapping it', async () => {
    const sweeper = h.app.get(SweeperService);
    const [a, b] = [sweeper.sweepOnce(), sweeper.sweepOnce()];
    expect(a).toBe(b);
    await a;
  });
});
