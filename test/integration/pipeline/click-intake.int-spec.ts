import { METRICS_REGISTRY } from '@ricochet/observability';
import type { Registry } from 'prom-client';
import { eventually } from '../../support/config';
import {
  ADMIN_KEY,
  type Campaign,
  type Pipeline,
  postback,
  seedCampaign,
  startPipeline,
} from './pipeline.fixture';

// Gateway only: intake answers and storage, without a worker changing outcomes underneath.
describe('clicks and postback intake', () => {
  let p: Pipeline;
  let c: Campaign;

  beforeAll(async () => {
    p = await startPipeline('click intake', { worker: false });
    c = await seedCampaign(p);
  });

  afterAll(async () => {
    await p?.close();
  });

  describe('GET /click', () => {
    it('redirects 302 to the offer with a minted click id and URL-encoded subs, and stores the click', async () => {
      const response = await fetch(
        `${p.baseUrl}/click?offer_id=${c.offer.id}&source_id=${c.source.id}&ext_click_id=src-9&sub1=a%20b%26c`,
        { redirect: 'manual', headers: { 'cf-ipcountry': 'de', 'user-agent': 'UA/1' } },
      );
      expect(response.status).toBe(302);
      const location = response.headers.get('location') ?? '';
      expect(location).toMatch(
        /^https:\/\/lander\.example\/go\?cid=[A-Za-z0-9_-]{22}&s1=a%20b%26c&ext=src-9$/,
      );
      const clickId = new URL(location).searchParams.get('cid') ?? '';
      const stored = await p.repos.clicks.findByClickId(clickId);
      expect(stored).toMatchObject({
        offerId: c.offer.id,
        sourceId: c.source.id,
        advertiserId: c.advertiser.id,
        extClickId: 'src-9',
        sub1: 'a b&c',
        country: 'DE',
        userAgent: 'UA/1',
        ip: '127.0.0.1',
      });
    });

    it.each([
      ['', 'MISSING_OFFER_ID', 'offer_id'],
      ['offer_id=nope&source_id=665f1c2e8b3d4a0087654321', 'INVALID_OFFER_ID', 'offer_id'],
      ['offer_id=665f1c2e8b3d4a0087654321', 'MISSING_SOURCE_ID', 'source_id'],
    ])('answers 400 for "%s" with %s', async (query, code, param) => {
      const response = await fetch(`${p.baseUrl}/click?${query}`, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, code, param });
    });

    it('answers 400 INVALID_SUB for an oversized sub', async () => {
      const sub = 'x'.repeat(600);
      const response = await fetch(
        `${p.baseUrl}/click?offer_id=${c.offer.id}&source_id=${c.source.id}&sub3=${sub}`,
      );
      expect(await response.json()).toMatchObject({ code: 'INVALID_SUB', param: 'sub3' });
    });

    it('answers 404 OFFER_NOT_FOUND for an unknown offer and SOURCE_NOT_FOUND for an unknown source', async () => {
      const unknown = '665f1c2e8b3d4a0012345678';
      const offer = await fetch(`${p.baseUrl}/click?offer_id=${unknown}&source_id=${c.source.id}`);
      expect(offer.status).toBe(404);
      expect(await offer.json()).toMatchObject({ code: 'OFFER_NOT_FOUND' });
      const source = await fetch(`${p.baseUrl}/click?offer_id=${c.offer.id}&source_id=${unknown}`);
      expect(await source.json()).toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    });

    it("redirects a paused offer's click to its fallback URL", async () => {
      const paused = await p.repos.offers.create({
        advertiserId: c.advertiser.id,
        name: 'Paused',
        url: 'https://lander.example/x?c={click_id}',
        fallbackUrl: 'https://fallback.example/',
        status: 'paused',
      });
      const response = await fetch(`${p.baseUrl}/click?offer_id=${paused.id}&source_id=${c.source.id}`, {
        redirect: 'manual',
      });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('https://fallback.example/');
    });
  });

  describe('postback intake', () => {
    async function stored(postbackId: string) {
      return p.repos.postbacks.findById(postbackId);
    }

    it('stores a GET postback before answering 200 accepted', async () => {
      const response = await postback(p, c, 'cid=abc&payout=12.50&txid=T1&status=sale&foo=bar');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; postbackId: string };
      expect(body.status).toBe('accepted');
      const record = await stored(body.postbackId);
      expect(record).toMatchObject({
        outcome: 'accepted',
        method: 'GET',
        params: { cid: 'abc', payout: '12.50', txid: 'T1', status: 'sale', foo: 'bar' },
        normalized: {
          clickId: 'abc',
          payout: 12_500_000,
          txid: 'T1',
          status: 'approved',
          event: 'conversion',
        },
      });
      expect(record?.nextAttemptAt).toBeInstanceOf(Date);
    });

    it('accepts a form body merged with the token query parameter', async () => {
      const response = await fetch(`${p.baseUrl}/postback?token=${c.advertiser.postbackToken}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'click_id=f1&amount=3&status=pending',
      });
      expect(response.status).toBe(200);
      const record = await stored(((await response.json()) as { postbackId: string }).postbackId);
      expect(record?.method).toBe('POST');
      expect(record?.normalized).toMatchObject({ clickId: 'f1', payout: 3_000_000, status: 'pending' });
      expect(record?.params).not.toHaveProperty('token');
    });

    it('accepts a flat JSON body and refuses a nested one with INVALID_JSON_SHAPE', async () => {
      const url = `${p.baseUrl}/postback/${c.advertiser.postbackToken}`;
      const headers = { 'content-type': 'application/json' };
      const ok = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ clickid: 'j1', sum: 7.5, goal: 'FTD' }),
      });
      expect(ok.status).toBe(200);
      const record = await stored(((await ok.json()) as { postbackId: string }).postbackId);
      expect(record?.normalized).toMatchObject({ clickId: 'j1', payout: 7_500_000, event: 'ftd' });
      const nested = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ clickid: 'j1', x: { y: 1 } }),
      });
      expect(nested.status).toBe(400);
      expect(await nested.json()).toMatchObject({ code: 'INVALID_JSON_SHAPE', param: 'x' });
    });

    it('answers 401 INVALID_TOKEN for a missing or unknown token and stores nothing', async () => {
      const before = (await p.repos.postbacks.list({}, { limit: 100 })).items.length;
      const missing = await fetch(`${p.baseUrl}/postback?cid=abc`);
      const unknown = await fetch(`${p.baseUrl}/postback/not-a-token?cid=abc`);
      expect([missing.status, unknown.status]).toEqual([401, 401]);
      expect(await unknown.json()).toMatchObject({ code: 'INVALID_TOKEN' });
      expect((await p.repos.postbacks.list({}, { limit: 100 })).items.length).toBe(before);
      // /metrics is closed on the gateway's public port (test/security covers it); read the registry.
      const metrics = await p.gateway.get<Registry>(METRICS_REGISTRY).metrics();
      expect(metrics).toMatch(/ricochet_postback_invalid_token_total\{[^}]*\} 2/);
    });

    it.each([
      ['payout=5', 'MISSING_CLICK_ID', 'click_id'],
      ['cid=a&payout=12,5', 'INVALID_PAYOUT', 'payout'],
      ['cid=a&status=maybe', 'UNKNOWN_STATUS', 'status'],
      ['cid=a&currency=XYZW', 'INVALID_CURRENCY', 'currency'],
      ['cid={clickid}', 'INVALID_CLICK_ID', 'cid'],
    ])('answers 400 for "%s" with %s and stores it as rejected', async (query, code, param) => {
      const response = await postback(p, c, query);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, code, param });
      const rejected = await p.repos.postbacks.list({ outcome: 'rejected' }, { limit: 100 });
      expect(rejected.items.some((item) => item.rejectReason === code)).toBe(true);
    });

    it('answers 403 IP_NOT_ALLOWED outside the allowlist and stores the refusal', async () => {
      const locked = await seedCampaign(p, { advertiser: { allowedIps: ['10.0.0.0/8'] } });
      const response = await postback(p, locked, 'cid=ip1');
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'IP_NOT_ALLOWED' });
      const rejected = await p.repos.postbacks.list({ advertiserId: locked.advertiser.id }, { limit: 10 });
      expect(rejected.items).toEqual([
        expect.objectContaining({ outcome: 'rejected', rejectReason: 'IP_NOT_ALLOWED' }),
      ]);
    });

    it('answers 415 for a text/plain body', async () => {
      const response = await fetch(`${p.baseUrl}/postback/${c.advertiser.postbackToken}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'cid=abc',
      });
      expect(response.status).toBe(415);
    });
  });

  describe('POST /api/clicks', () => {
    const headers = { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' };

    it('registers a single click and reports a repeated id as duplicate', async () => {
      const item = { clickId: 'ext-single-1', offerId: c.offer.id, sourceId: c.source.id, sub2: 'x' };
      const first = await fetch(`${p.baseUrl}/api/clicks`, {
        method: 'POST',
        headers,
        body: JSON.stringify(item),
      });
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ results: [{ clickId: 'ext-single-1', status: 'created' }] });
      const again = await fetch(`${p.baseUrl}/api/clicks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ clicks: [item, { ...item, clickId: 'ext-single-2' }] }),
      });
      expect(await again.json()).toMatchObject({
        results: [
          { clickId: 'ext-single-1', status: 'duplicate' },
          { clickId: 'ext-single-2', status: 'created' },
        ],
        created: 1,
        duplicates: 1,
      });
      expect(await p.repos.clicks.findByClickId('ext-single-2')).toMatchObject({
        advertiserId: c.advertiser.id,
      });
    });

    it('refuses an invalid click id, an unknown offer, a missing key and more than 1000 clicks', async () => {
      const post = (body: unknown, h: Record<string, string> = headers) =>
        fetch(`${p.baseUrl}/api/clicks`, { method: 'POST', headers: h, body: JSON.stringify(body) });
      const bad = await post({ clickId: '{clickid}', offerId: c.offer.id, sourceId: c.source.id });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', param: 'clickId' });
      const unknown = await post({
        clicks: [{ clickId: 'u1', offerId: c.source.id, sourceId: c.source.id }],
      });
      expect(await unknown.json()).toMatchObject({ code: 'OFFER_NOT_FOUND', param: 'clicks[0].offerId' });
      expect((await post({ clickId: 'k1', offerId: c.offer.id, sourceId: c.source.id }, {})).status).toBe(
        401,
      );
      const many = Array.from({ length: 1001 }, (_, i) => ({
        clickId: `m${i}`,
        offerId: c.offer.id,
        sourceId: c.source.id,
      }));
      expect((await post({ clicks: many })).status).toBe(413);
      await eventually(
        'nothing of the refused batches stored',
        async () => (await p.repos.clicks.findByClickId('m0')) === null,
      );
    });
  });
});
