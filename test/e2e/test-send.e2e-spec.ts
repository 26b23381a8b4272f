import { getConnectionToken } from '@nestjs/mongoose';
import { verifyStandardWebhook } from '@ricochet/domain/delivery';
import { DEFAULT_REDACTION_POLICY } from '@ricochet/domain/security';
import { SourceRepository } from '@ricochet/persistence';
import type { Connection } from 'mongoose';
import { hostname } from 'node:os';
import type { RecordedRequest } from '../support/receiver';
import { type Campaign, type HttpResult, Relay } from './relay.fixture';

interface TestSendAnswer {
  request: { method: string; url: string; headers: Record<string, string>; body?: string } | null;
  response: { status: number; headers: Record<string, string>; body: string } | null;
  outcome: string;
  error?: { class: string; message: string };
  durationMs: number;
}

interface SourceAnswer {
  endpoints: Array<{ id: string; signingSecret?: string }>;
}

/** Documents per collection of the suite's database. */
async function documentCounts(relay: Relay): Promise<Record<string, number>> {
  const db = relay.gateway.get<Connection>(getConnectionToken()).db;
  if (!db) throw new Error('no database');
  const counts: Record<string, number> = {};
  for (const { name } of await db.listCollections().toArray()) {
    counts[name] = await db.collection(name).countDocuments();
  }
  return counts;
}

function testSend(relay: Relay, body: Record<string, unknown>): Promise<HttpResult<TestSendAnswer>> {
  return relay.http<TestSendAnswer>('POST', '/api/tools/test-send', {
    admin: true,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

/** The one request the receiver got since `before` requests. */
function onlyRequestSince(relay: Relay, before: number): RecordedRequest {
  const since = relay.receiver.requests.slice(before);
  expect(since).toHaveLength(1);
  return since[0];
}

describe('test-send: one real request to an endpoint, shown and never stored', () => {
  let relay: Relay;
  let campaign: Campaign;
  let getId: string;
  let postId: string;
  let secret: string;
  let conversionId: string;

  beforeAll(async () => {
    relay = await Relay.start('e2e-test-send');
    // A conversion made while the source had no endpoint: the live pipeline sends nothing.
    campaign = await relay.campaign({ endpoints: [] });
    const { clickId } = await relay.click(campaign, { ext_click_id: 'ts-ext-1', sub1: 'camp-7' });
    const answer = await relay.postback(campaign.token, { cid: clickId, payout: '7.40', txid: 'TS-1' });
    const postback = await relay.waitForPostbackOutcome(String(answer.body.postbackId), 'attributed');
    conversionId = String(postback.conversionId);

    const source = await relay.admin<SourceAnswer>('PATCH', `/api/sources/${campaign.sourceId}`, {
      endpoints: [
        {
          url: `${relay.receiver.url}/get/pb?visitor_id={ext_click_id}&payout={payout}&s={status:approved=1,rejected=2}&api_key=partner-secret-1`,
          headers: { 'X-Api-Key': 'header-secret-2', 'X-Click': '{click_id}' },
          signing: { enabled: true },
        },
        {
          url: `${relay.receiver.url}/post/pb`,
          method: 'POST',
          bodyTemplate:
            '{"click":"{ext_click_id}","amount":{payout},"sub":"{sub1}","conv":"{conversion_id}"}',
        },
      ],
    });
    [getId, postId] = source.endpoints.map((endpoint) => endpoint.id);
    secret = String(source.endpoints[0].signingSecret);
  });

  afterAll(() => relay?.close());

  it('sends the request a delivery would, shows exactly that request (secrets masked) and its answer, and stores nothing', async () => {
    const stored = await documentCounts(relay);
    expect(stored).toMatchObject({ conversions: 1, deliveries: 0, delivery_attempts: 0 });
    const before = relay.receiver.requests.length;
    relay.receiver.respondWith({ status: 200, body: 'accepted', headers: { 'x-partner': 'p1' } });

    const answer = await testSend(relay, {
      sourceId: campaign.sourceId,
      endpointId: getId,
      values: { ext_click_id: 'abc 123', payout: '4.20', status: 'approved' },
    });

    expect(answer.status).toBe(200);
    const { request, response } = answer.body;
    const received = onlyRequestSince(relay, before);
    expect(received.method).toBe('GET');
    expect(request?.method).toBe('GET');
    // The URL as sent, masked as the attempt log masks it.
    expect(Relay.query(received).get('visitor_id')).toBe('abc 123');
    expect(Relay.query(received).get('payout')).toBe('4.20');
    expect(Relay.query(received).get('s')).toBe('1');
    expect(Relay.query(received).get('api_key')).toBe('partner-secret-1');
    expect(request?.url).toBe(DEFAULT_REDACTION_POLICY.redactUrl(`${relay.receiver.url}${received.path}`));
    expect(request?.url).toContain('api_key=***');
    // Every header shown was sent with that value, except the masked secrets.
    const shown = request?.headers ?? {};
    const sentAsShown = Object.entries(shown).map(([name, value]) => {
      const sent = received.headers[name];
      return [name, value === '[redacted]' && typeof sent === 'string' && sent !== '' ? value : sent];
    });
    expect(sentAsShown).toEqual(Object.entries(shown));
    // …and nothing else was sent but what the HTTP client adds on the wire.
    const wire = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);
    expect(Object.keys(received.headers).filter((name) => !wire.has(name) && !(name in shown))).toEqual([]);
    expect(shown).toMatchObject({
      'x-api-key': '[redacted]',
      'webhook-signature': '[redacted]',
      'x-ricochet-test': '1',
      'user-agent': expect.any(String),
    });
    expect(shown['idempotency-key']).toMatch(/^[0-9a-f]{24}$/);
    expect(received.headers['x-api-key']).toBe('header-secret-2');
    expect(received.headers['x-ricochet-test']).toBe('1');
    // The signature the receiver got is valid for the endpoint's secret.
    expect(
      verifyStandardWebhook({
        headers: {
          'webhook-id': String(received.headers['webhook-id']),
          'webhook-timestamp': String(received.headers['webhook-timestamp']),
          'webhook-signature': String(received.headers['webhook-signature']),
        },
        body: '',
        secret,
        nowSec: Math.floor(Date.now() / 1000),
      }),
    ).toBe(true);
    expect(request?.body).toBeUndefined();
    expect(response).toMatchObject({ status: 200, body: 'accepted', headers: { 'x-partner': 'p1' } });
    expect(answer.body.outcome).toBe('delivered');
    expect(answer.body.error).toBeUndefined();
    expect(answer.body.durationMs).toEqual(expect.any(Number));

    expect(await documentCounts(relay)).toEqual(stored);
    const deliveries = await relay.admin<{ items: unknown[] }>('GET', `/api/deliveries?endpointId=${getId}`);
    expect(deliveries.items).toEqual([]);
  });

  it("renders a stored conversion's values, as its delivery would, into a POST body", async () => {
    const stored = await documentCounts(relay);
    const before = relay.receiver.requests.length;
    const answer = await testSend(relay, { sourceId: campaign.sourceId, endpointId: postId, conversionId });
    expect(answer.status).toBe(200);
    const received = onlyRequestSince(relay, before);
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/post/pb');
    expect(JSON.parse(received.body)).toEqual({
      click: 'ts-ext-1',
      amount: 7.4,
      sub: 'camp-7',
      conv: conversionId,
    });
    expect(answer.body.request).toMatchObject({
      method: 'POST',
      url: `${relay.receiver.url}/post/pb`,
      body: received.body,
      headers: { 'content-type': 'application/json', 'x-ricochet-test': '1' },
    });
    expect(received.headers['content-type']).toBe('application/json');
    expect(await documentCounts(relay)).toEqual(stored);
  });

  it('shows a 500 as the receiver answered it, and what a delivery would have made of it', async () => {
    const stored = await documentCounts(relay);
    const before = relay.receiver.requests.length;
    relay.receiver.respondWith({ status: 500, body: 'partner down' });
    const answer = await testSend(relay, { sourceId: campaign.sourceId, endpointId: postId });
    expect(answer.status).toBe(200);
    onlyRequestSince(relay, before);
    expect(answer.body.response).toMatchObject({ status: 500, body: 'partner down' });
    expect(answer.body.outcome).toBe('failed');
    expect(answer.body.error).toEqual({ class: 'http_5xx', message: 'HTTP 500 (http_5xx)' });
    expect(await documentCounts(relay)).toEqual(stored);
  });

  it('refuses bad values and unknown ids with a code and the parameter', async () => {
    const base = { sourceId: campaign.sourceId, endpointId: getId };
    const before = relay.receiver.requests.length;
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ ...base, values: { amount: '3' } }, 400, 'UNKNOWN_MACRO', 'values.amount'],
      [{ ...base, values: { status: 'paid' } }, 400, 'INVALID_STATUS', 'values.status'],
      [{ ...base, values: { payout: { nested: 1 } } }, 400, 'INVALID_VALUE', 'values.payout'],
      [{ ...base, endpointId: 'x' }, 400, 'VALIDATION_FAILED', 'endpointId'],
      [{ ...base, sourceId: '665f1c2e8b3d4a0000000000' }, 404, 'SOURCE_NOT_FOUND', 'sourceId'],
      [{ ...base, endpointId: '665f1c2e8b3d4a0000000000' }, 404, 'ENDPOINT_NOT_FOUND', 'endpointId'],
      [{ ...base, conversionId: '665f1c2e8b3d4a0000000000' }, 404, 'CONVERSION_NOT_FOUND', 'conversionId'],
    ];
    for (const [body, status, code, param] of cases) {
      const answer = await relay.http('POST', '/api/tools/test-send', {
        admin: true,
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      expect([JSON.stringify(body), answer.status, answer.body]).toEqual([
        JSON.stringify(body),
        status,
        expect.objectContaining({ code, param }),
      ]);
    }
    expect(relay.receiver.requests.length).toBe(before);
  });
});

describe('test-send with private destinations closed (FORWARD_ALLOW_PRIVATE=false)', () => {
  let relay: Relay;

  beforeAll(async () => {
    relay = await Relay.start('e2e-test-send-ssrf', { FORWARD_ALLOW_PRIVATE: 'false' }, { worker: false });
  });

  afterAll(() => relay?.close());

  it('refuses a private address the way a delivery does (ssrf_blocked) and sends nothing', async () => {
    const port = new URL(relay.receiver.url).port;
    // An IP literal is refused when an endpoint is saved, so this one is written as a stored endpoint
    // could be (saved before the policy changed); a name resolving to a private address passes the
    // save-time check and is refused when the connection is made.
    const literal = await relay.gateway.get(SourceRepository).create({
      name: 'Private literal',
      endpoints: [{ url: `http://127.0.0.1:${port}/pb?c={click_id}` }],
    });
    const named = await relay.admin<SourceAnswer & { id: string }>('POST', '/api/sources', {
      name: 'Private name',
      endpoints: [{ url: `http://${hostname()}:${port}/pb?c={click_id}` }],
    });
    const stored = await documentCounts(relay);

    for (const [sourceId, endpointId] of [
      [literal.id, literal.endpoints[0].id],
      [named.id, named.endpoints[0].id],
    ]) {
      const answer = await testSend(relay, { sourceId, endpointId });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        response: null,
        outcome: 'dead',
        error: { class: 'ssrf_blocked' },
      });
      expect(answer.body.request?.url).toContain(`:${port}/pb?c=`);
    }
    expect(relay.receiver.requests).toHaveLength(0);
    expect(await documentCounts(relay)).toEqual(stored);
  });
});
