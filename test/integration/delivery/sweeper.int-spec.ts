import { eventually } from '../../support/config';
import { type Receiver, startReceiver } from '../../support/receiver';
import { SweeperService } from '../../../apps/worker/src/sweeper/sweeper.service';
import { seedDelivery, startWorker, type WorkerHarness } from './delivery.fixture';

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
    expect(await sweeper.sweepOnce()).toEqual({ postbacks: 0, deliveries: 0 });
  });

  it('joins a running sweep instead of overlapping it', async () => {
    const sweeper = h.app.get(SweeperService);
    const [a, b] = [sweeper.sweepOnce(), sweeper.sweepOnce()];
    expect(a).toBe(b);
    await a;
  });
});
