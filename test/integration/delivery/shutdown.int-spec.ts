import { DeliveryRepository } from '@ricochet/persistence';
import { openPersistence } from '../persistence/persistence.fixture';
import { type Receiver, startReceiver } from '../../support/receiver';
import { deleteKeys, seedAndEnqueue, startWorker } from './delivery.fixture';

describe('delivery worker shutdown', () => {
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver?.stop();
  });

  it('finishes an in-flight delivery before the app closes', async () => {
    const h = await startWorker('delivery shutdown');
    receiver.respondWith({ status: 200, delayMs: 800 });
    const { delivery } = await seedAndEnqueue(h, { endpoint: { url: `${receiver.url}/slow` } });
    await receiver.waitForRequests(1);

    const started = Date.now();
    await h.app.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);

    const persistence = await openPersistence(h.ctx);
    try {
      const stored = await persistence.moduleRef.get(DeliveryRepository).findById(delivery.id);
      expect(stored).toMatchObject({ state: 'delivered', attempts: 1 });
    } finally {
      await persistence.close();
      await deleteKeys(h.ctx.redisUrl, h.config.redis.queuePrefix);
    }
  });
});
