import { hostname } from 'node:os';
import { eventually } from '../../support/config';
import { type Receiver, startReceiver } from '../../support/receiver';
import { seedDelivery, startWorker, type WorkerHarness } from './delivery.fixture';

describe('delivery SSRF guard with private destinations closed', () => {
  let h: WorkerHarness;
  let receiver: Receiver;

  beforeAll(async () => {
    h = await startWorker('delivery ssrf', { FORWARD_ALLOW_PRIVATE: 'false' });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver?.stop();
    await h?.close();
  });

  it.each([
    ['an IP literal', (port: string) => `http://127.0.0.1:${port}/pb?c={click_id}`],
    ['localhost', (port: string) => `http://localhost:${port}/pb?c={click_id}`],
    ['an IPv6 loopback', (port: string) => `http://[::1]:${port}/pb`],
    // Passes the URL check (a plain name) and is refused by the lookup pinned in the HTTP agent: the
    // machine's own name resolves to a loopback or private address on Linux hosts and containers.
    ['a name resolving to a private address', (port: string) => `http://${hostname()}:${port}/pb`],
  ])('refuses %s: dead with ssrf_blocked and no request sent', async (_what, url) => {
    const port = new URL(receiver.url).port;
    const { delivery } = await seedDelivery(h, { endpoint: { url: url(port) } });
    await h.producer.enqueue(delivery.id, 'first');

    await eventually(
      'delivery dead',
      async () => (await h.deliveries.findById(delivery.id))?.state === 'dead',
    );
    const attempts = await h.attempts.listByDelivery(delivery.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ errorClass: 'ssrf_blocked', attemptNo: 1 });
    expect(attempts[0].statusCode).toBeUndefined();
    expect(receiver.requests).toHaveLength(0);
  });
});
