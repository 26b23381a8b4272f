import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Receiver, startReceiver } from '../support/receiver';
import {
  seedAndEnqueue,
  startWorker,
  waitForState,
  type WorkerHarness,
} from '../integration/delivery/delivery.fixture';

describe('the delivery worker against hostile receivers and values (security review items 3 and 4)', () => {
  let h: WorkerHarness;
  let receiver: Receiver;

  beforeAll(async () => {
    h = await startWorker('security-receiver', { RETRY_SCHEDULE: '200ms,200ms,200ms' });
  });
  afterAll(() => h?.close());

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.stop());

  it('judges a ReDoS-shaped successBodyMatch in linear time, never blocking the event loop (item 3)', async () => {
    receiver.respondWith({ status: 200, body: `${'a'.repeat(30)}!` });
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = Date.now();
    // Stored as it could have been before save-time checks: the worker must cope on its own.
    const { delivery } = await seedAndEnqueue(h, {
      endpoint: { url: `${receiver.url}/pb?c={click_id}`, successBodyMatch: '(a+)+$' },
    });
    const dead = await waitForState(h, delivery.id, 'dead');
    loop.disable();
    expect(dead.attempts).toBe(1);
    const [attempt] = await h.attempts.listByDelivery(delivery.id);
    expect(attempt).toMatchObject({ statusCode: 200, errorClass: 'body_mismatch' });
    // A backtracking engine blocks for ~9.5 s on this body; the linear one takes microseconds.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(loop.max / 1e6).toBeLessThan(1_000);
  });

  it('delivers a pattern that matches, and a body longer than what is matched, without delay', async () => {
    receiver.respondWith({ status: 200, body: `OK ${'a'.repeat(200_000)}!` });
    const { delivery } = await seedAndEnqueue(h, {
      endpoint: { url: `${receiver.url}/pb`, successBodyMatch: '^OK (a+)+' },
    });
    expect((await waitForState(h, delivery.id, 'delivered')).attempts).toBe(1);
  });

  it('sends a non-ASCII click value in a header percent-encoded, first time (item 4)', async () => {
    const { delivery } = await seedAndEnqueue(h, {
      endpoint: { url: `${receiver.url}/pb`, headers: { 'X-Uni': '{sub2}' } },
      click: { sub2: 'café ☃' },
    });
    const [request] = await receiver.waitForRequests(1);
    expect(request.headers['x-uni']).toBe('caf%C3%A9%20%E2%98%83');
    expect(decodeURIComponent(String(request.headers['x-uni']))).toBe('café ☃');
    const done = await waitForState(h, delivery.id, 'delivered');
    expect(done.attempts).toBe(1);
  });

  it('kills a delivery whose stored header cannot be rendered, without a single retry', async () => {
    const { delivery } = await seedAndEnqueue(h, {
      // A literal no HTTP client can send, stored by other means than the admin API (which refuses it).
      endpoint: { url: `${receiver.url}/pb`, headers: { 'X-Lit': 'café {sub1}' } },
    });
    const dead = await waitForState(h, delivery.id, 'dead');
    expect(dead.attempts).toBe(0);
    expect(dead.lastError).toContain('headers.X-Lit');
    expect(receiver.requests).toHaveLength(0);
  });
});
