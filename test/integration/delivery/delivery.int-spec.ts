import { METRICS_REGISTRY } from '@ricochet/observability';
import type { Registry } from 'prom-client';
import { generateWebhookSecret, verifyStandardWebhook } from '@ricochet/domain/delivery';
import { type Receiver, startReceiver } from '../../support/receiver';
import { seedAndEnqueue, startWorker, waitForState, type WorkerHarness } from './delivery.fixture';

describe('delivery worker', () => {
  let h: WorkerHarness;
  let receiver: Receiver;

  beforeAll(async () => {
    h = await startWorker('delivery', {
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

  it('forwards a GET with every macro value URL-encoded exactly once', async () => {
    const ext = 'a&b=c+d e/é?#%';
    const sub1 = `${'ü日本 +&='.repeat(62)}end!`.slice(0, 500);
    const { delivery } = await seedAndEnqueue(h, {
      endpoint: { url: `${receiver.url}/conversion.php?visitor_id={ext_click_id}&payout={payout}&s={sub1}` },
      click: { extClickId: ext, sub1 },
    });

    const [request] = await receiver.waitForRequests(1);
    expect(request.method).toBe('GET');
    const query = new URL(request.path, receiver.url).searchParams;
    expect(query.get('visitor_id')).toBe(ext);
    expect(query.get('payout')).toBe('12.50');
    expect(query.get('s')).toBe(sub1);
    expect([...query.keys()]).toEqual(['visitor_id', 'payout', 's']);
    expect(request.path).toContain('visitor_id=a%26b%3Dc%2Bd%20e%2F%C3%A9%3F%23%25&');
    expect(request.headers['idempotency-key']).toBe(delivery.id);
    expect(request.headers['user-agent']).toBe('Ricochet/0.1');

    const done = await waitForState(h, delivery.id, 'delivered');
    expect(done.attempts).toBe(1);
    expect(done.lastStatusCode).toBe(200);
    const attempts = await h.attempts.listByDelivery(delivery.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      attemptNo: 1,
      trigger: 'first',
      statusCode: 200,
      responseSnippet: 'ok',
    });
  });

  it('POSTs a correctly escaped JSON body with the idempotency key', async () => {
    const { delivery, conversion } = await seedAndEnqueue(h, {
      endpoint: {
        url: `${receiver.url}/hook`,
        method: 'POST',
        bodyFormat: 'json',
        bodyTemplate:
          '{"click":"{ext_click_id}","amount":{payout},"status":"{status}","goal":"{postback.goal}","conv":"{conversion_id}"}',
        headers: { 'X-Partner': 'ricochet-{source_id}' },
      },
      click: { extClickId: 'quote " back \\ nl \n tab \t ü' },
      postbackParams: { goal: 'sale "vip"', token: 'x' },
    });

    const [request] = await receiver.waitForRequests(1);
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe(delivery.id);
    expect(request.headers['x-partner']).toBe(`ricochet-${conversion.sourceId}`);
    expect(JSON.parse(request.body)).toEqual({
      click: 'quote " back \\ nl \n tab \t ü',
      amount: 12.5,
      status: 'approved',
      goal: 'sale "vip"',
      conv: conversion.id,
    });
    await waitForState(h, delivery.id, 'delivered');
  });

  it('retries 500, 500 and delivers on attempt 3 with three attempt records', async () => {
    receiver.respondWith({ status: 500, body: 'boom' }, { status: 500 }, { status: 200 });
    const { delivery } = await seedAndEnqueue(h, { endpoint: { url: `${receiver.url}/pb?c={click_id}` } });

    const done = await waitForState(h, delivery.id, 'delivered');
    expect(done.attempts).toBe(3);
    const attempts = await h.attempts.listByDelivery(delivery.id);
    expect(attempts.map((a) => [a.attemptNo, a.trigger, a.statusCode, a.errorClass])).toEqual([
      [1, 'first', 500, 'http_5xx'],
      [2, 'retry', 500, 'http_5xx'],
      [3, 'retry', 200, undefined],
    ]);
    expect(attempts[0].responseSnippet).toBe('boom');
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set([delivery.id]),
    );
    // One kept-alive connection served all three attempts.
    expect(new Set(receiver.requests.map((r) => r.remotePort)).size).toBe(1);
  });

  it('marks a 404 dead after one attempt', async () => {
    receiver.respondWith({ status: 404 });
    const { delivery } = await seedAndEnqueue(h, { endpoint: { url: `${receiver.url}/missing` } });
    const dead = await waitForState(h, delivery.id, 'dead');
    expect(dead).toMatchObject({ attempts: 1, lastStatusCode: 404 });
    expect(dead.nextAttemptAt).toBeUndefined();
    const attempts = await h.attempts.listByDelivery(delivery.id);
    expect(attempts.map((a) => a.errorClass)).toEqual(['http_4xx']);
    const metrics = await h.app.get<Registry>(METRICS_REGISTRY).metrics();
    expect(metrics).toMatch(/ricochet_delivery_jobs_total\{outcome="dead",error_class="http_4xx"[^}]*\} 1/);
    expect(metrics).toContain('ricochet_delivery_attempt_duration_seconds_bucket');
  });

  it('marks a 410 dead and disables the endpoint', async () => {
    receiver.respondWith({ status: 410 });
    const { delivery, endpointId } = await seedAndEnqueue(h, { endpoint: { url: `${receiver.url}/gone` } });
    await waitForState(h, delivery.id, 'dead');
    const found = await h.sources.findEndpoint(endpointId);
    expect(found?.endpoint).toMatchObject({ enabled: false, disabledReason: 'HTTP 410 Gone' });
    expect((await h.attempts.listByDelivery(delivery.id))[0].errorClass).toBe('gone');
  });

  it('honours Retry-After on a 429: the next attempt comes no sooner than it asks', async () => {
    receiver.respondWith({ status: 429, headers: { 'Retry-After': '2' } });
    const { delivery } = await seedAndEnqueue(h, { endpoint: { url: `${receiver.url}/busy` } });
    const [first, second] = await receiver.waitForRequests(2, 10_000);
    expect(second.receivedAt.getTime() - first.receivedAt.getTime()).toBeGreaterThanOrEqual(2_000);
    await waitForState(h, delivery.id, 'delivered');
    const attempts = await h.attempts.listByDelivery(delivery.id);
    expect(attempts.map((a) => a.errorClass)).toEqual(['http_429', undefined]);
  });

  it('waits for a 503 Retry-After before the next attempt', async () => {
    receiver.respondWith({ status: 503, headers: { 'Retry-After': '2' } });
    const { delivery } = await seedAndEnqueue(h, { endpoint: { url: `${receiver.url}/maintenance` } });
    const [first, second] = await receiver.waitForRequests(2, 10_000);
    expect(second.receivedAt.getTime() - first.receivedAt.getTime()).toBeGreaterThanOrEqual(2_000);
    await waitForState(h, delivery.id, 'delivered');
  });

  it('retries a timed-out request', async () => {
    receiver.respondWith({ status: 200, delayMs: 5_000 });
    const { delivery } = await seedAndEnqueue(h, { endpoint: { url: `${receiver.url}/slow` } });
    const done = await waitForState(h, delivery.id, 'delivered');
    expect(done.attempts).toBe(2);
    const attempts = await h.attempts.listByDelivery(delivery.id);
    expect(attempts[0]).toMatchObject({ attemptNo: 1, errorClass: 'timeout' });
    expect(attempts[0].statusCode).toBeUndefined();
    expect(attempts[0].durationMs).toBeLessThan(3_000);
  });

  it('never follows a redirect: 302 is dead', async () => {
    receiver.respondWith({ status: 302, headers: { Location: `${receiver.url}/elsewhere` } });
    const { delivery } = await seedAndEnqueue(h, { endpoint: { url: `${receiver.url}/moved` } });
    const dead = await waitForState(h, delivery.id, 'dead');
    expect(dead.lastStatusCode).toBe(302);
    expect((await h.attempts.listByDelivery(delivery.id))[0].errorClass).toBe('redirect');
    expect(receiver.requests.map((r) => r.path)).toEqual(['/moved']);
  });

  it('signs with Standard Webhooks headers that verify', async () => {
    const secret = generateWebhookSecret();
    const { delivery } = await seedAndEnqueue(h, {
      endpoint: {
        url: `${receiver.url}/signed`,
        method: 'POST',
        bodyFormat: 'json',
        bodyTemplate: '{"id":"{conversion_id}","payout":{payout}}',
        signingSecret: secret,
      },
    });
    const [request] = await receiver.waitForRequests(1);
    expect(request.headers['webhook-id']).toBe(delivery.id);
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    const nowSec = Math.floor(Date.now() / 1000);
    expect(verifyStandardWebhook({ headers, body: request.body, secret, nowSec })).toBe(true);
    expect(verifyStandardWebhook({ headers, body: `${request.body} `, secret, nowSec })).toBe(false);
    await waitForState(h, delivery.id, 'delivered');
  });

  it('gives a dead delivery a fresh attempt on a manual replay', async () => {
    receiver.respondWith({ status: 400 }, { status: 200 });
    const { delivery } = await seedAndEnqueue(h, { endpoint: { url: `${receiver.url}/replay` } });
    await waitForState(h, delivery.id, 'dead');
    // What the admin API does: reset, then enqueue with trigger 'manual'.
    await h.deliveries.resetForReplay(delivery.id);
    await h.producer.enqueue(delivery.id, 'manual');
    const done = await waitForState(h, delivery.id, 'delivered');
    expect(done.attempts).toBe(2);
    const attempts = await h.attempts.listByDelivery(delivery.id);
    expect(attempts.map((a) => [a.attemptNo, a.trigger, a.statusCode])).toEqual([
      [1, 'first', 400],
      [2, 'manual', 200],
    ]);
  });

  it('marks a delivery to a disabled endpoint dead without an attempt', async () => {
    const { delivery } = await seedAndEnqueue(h, {
      endpoint: { url: `${receiver.url}/off`, enabled: false },
    });
    const dead = await waitForState(h, delivery.id, 'dead');
    expect(dead).toMatchObject({ attempts: 0, lastError: 'endpoint disabled' });
    expect(receiver.requests).toHaveLength(0);
  });
});
