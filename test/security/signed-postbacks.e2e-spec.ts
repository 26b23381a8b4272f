import { createHmac } from 'node:crypto';
import { ADMIN_KEY, Relay } from '../e2e/relay.fixture';

const SECRET = 'adv-signing-secret-0123456789';

/**
 * The documented v1 string to sign, computed here from docs/security.md rather than with the gateway's
 * own code: `<ts>\n<METHOD>\n<path>\n<query without sig/signature>\n<raw body>`.
 */
function signV1(parts: { ts: string; method: string; path: string; query?: string; body?: string }): string {
  const canonical = `${parts.ts}\n${parts.method}\n${parts.path}\n${parts.query ?? ''}\n${parts.body ?? ''}`;
  return createHmac('sha256', SECRET).update(canonical, 'utf8').digest('hex');
}

function nowSeconds(offsetSeconds = 0): string {
  return String(Math.floor(Date.now() / 1000) + offsetSeconds);
}

interface PostbackView {
  id: string;
  outcome: string;
  rejectReason?: string;
  params: Record<string, string>;
  normalized?: { event?: string };
}

describe('signed postbacks (security review items 1, 2 and 10)', () => {
  let relay: Relay;
  let token: string;
  let advertiserId: string;

  const json = { 'content-type': 'application/json' };

  const postbacksOf = async (id: string, outcome: string): Promise<PostbackView[]> =>
    (
      await relay.admin<{ items: PostbackView[] }>(
        'GET',
        `/api/postbacks?advertiserId=${id}&outcome=${outcome}&limit=200`,
      )
    ).items;

  beforeAll(async () => {
    relay = await Relay.start('security-signed', {}, { worker: false });
    const advertiser = await relay.admin<{ id: string; postbackToken: string; signatureScheme: string }>(
      'POST',
      '/api/advertisers',
      { name: 'Signed', signingSecret: SECRET },
    );
    token = advertiser.postbackToken;
    advertiserId = advertiser.id;
  });
  afterAll(() => relay?.close());

  it('signs new advertisers with the v1 scheme unless told otherwise', async () => {
    const advertiser = await relay.admin<{
      signatureScheme: string;
      signatureToleranceSeconds: number | null;
    }>('GET', `/api/advertisers/${advertiserId}`);
    expect(advertiser).toMatchObject({ signatureScheme: 'v1', signatureToleranceSeconds: null });
  });

  it('refuses a captured signed POST re-sent with forged query parameters (item 1)', async () => {
    const path = `/postback/${token}`;
    const body = '{"click_id":"cid-item-1"}';
    const ts = nowSeconds();
    const headers = { ...json, 'x-timestamp': ts, 'x-signature': signV1({ ts, method: 'POST', path, body }) };
    const genuine = await relay.http('POST', path, { body, headers });
    expect(genuine.status).toBe(200);

    const forged = await relay.http('POST', `${path}?event=forged0&payout=5000`, { body, headers });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ code: 'INVALID_SIGNATURE' });
    const accepted = await postbacksOf(advertiserId, 'accepted');
    expect(accepted.filter((p) => p.normalized?.event === 'forged0')).toEqual([]);
    const rejected = await postbacksOf(advertiserId, 'rejected');
    expect(rejected.find((p) => p.params.event === 'forged0')).toMatchObject({
      rejectReason: 'INVALID_SIGNATURE',
    });
  });

  it('refuses the signature of one method used with another, and of one path used on another', async () => {
    const path = `/postback/${token}`;
    const query = 'click_id=cid-method';
    const ts = nowSeconds();
    const sig = signV1({ ts, method: 'GET', path, query });
    const ok = await relay.http('GET', `${path}?${query}`, {
      headers: { 'x-timestamp': ts, 'x-signature': sig },
    });
    expect(ok.status).toBe(200);
    const asPost = await relay.http('POST', `${path}?${query}`, {
      headers: { 'x-timestamp': ts, 'x-signature': sig },
    });
    expect(asPost.body).toMatchObject({ code: 'INVALID_SIGNATURE' });
    const otherPath = await relay.http('GET', `/postback?token=${token}&${query}`, {
      headers: { 'x-timestamp': ts, 'x-signature': sig },
    });
    expect(otherPath.body).toMatchObject({ code: 'INVALID_SIGNATURE' });
  });

  it('accepts a GET-only sender that signs with ts= and appends sig=, and keeps neither in params', async () => {
    const path = `/postback/${token}`;
    const ts = nowSeconds();
    const query = `click_id=cid-get&ts=${ts}&note=a%20b`;
    const sig = signV1({ ts, method: 'GET', path, query });
    const answer = await relay.http<{ postbackId: string }>('GET', `${path}?${query}&sig=${sig}`);
    expect(answer.status).toBe(200);
    const stored = await relay.admin<PostbackView>('GET', `/api/postbacks/${answer.body.postbackId}`);
    expect(stored.params).toEqual({ click_id: 'cid-get', note: 'a b' });
  });

  it('excludes sig and signature wherever they stand in the query string', async () => {
    const path = `/postback/${token}`;
    const ts = nowSeconds();
    const query = `click_id=cid-middle&ts=${ts}`;
    const sig = signV1({ ts, method: 'GET', path, query });
    const answer = await relay.http('GET', `${path}?signature=${sig}&click_id=cid-middle&ts=${ts}`);
    expect(answer.status).toBe(200);
  });

  it('refuses a replayed request outside the tolerance window, in the past or the future (item 2)', async () => {
    const path = `/postback/${token}`;
    const body = '{"click_id":"cid-item-2"}';
    for (const offset of [-600, 600]) {
      const ts = nowSeconds(offset);
      const answer = await relay.http('POST', path, {
        body,
        headers: { ...json, 'x-timestamp': ts, 'x-signature': signV1({ ts, method: 'POST', path, body }) },
      });
      expect({ status: answer.status, body: answer.body }).toMatchObject({
        status: 403,
        body: { code: 'SIGNATURE_EXPIRED' },
      });
    }
  });

  it('refuses a signed request without a timestamp, or with two that disagree', async () => {
    const path = `/postback/${token}`;
    const query = 'click_id=cid-nots';
    const sig = signV1({ ts: '', method: 'GET', path, query });
    const missing = await relay.http('GET', `${path}?${query}`, { headers: { 'x-signature': sig } });
    expect({ status: missing.status, body: missing.body }).toMatchObject({
      status: 403,
      body: { code: 'INVALID_TIMESTAMP' },
    });
    const ts = nowSeconds();
    const both = await relay.http('GET', `${path}?${query}&ts=${Number(ts) - 1}`, {
      headers: { 'x-timestamp': ts, 'x-signature': sig },
    });
    expect(both.body).toMatchObject({ code: 'INVALID_TIMESTAMP' });
  });

  it("honours the advertiser's own tolerance", async () => {
    await relay.admin('PATCH', `/api/advertisers/${advertiserId}`, { signatureToleranceSeconds: 3600 });
    const path = `/postback/${token}`;
    const body = '{"click_id":"cid-tolerance"}';
    const ts = nowSeconds(-600);
    const answer = await relay.http('POST', path, {
      body,
      headers: { ...json, 'x-timestamp': ts, 'x-signature': signV1({ ts, method: 'POST', path, body }) },
    });
    expect(answer.status).toBe(200);
    const reset = await relay.admin<{ signatureToleranceSeconds: number | null }>(
      'PATCH',
      `/api/advertisers/${advertiserId}`,
      { signatureToleranceSeconds: null },
    );
    expect(reset.signatureToleranceSeconds).toBeNull();
  });

  it('stores a refused signed postback without its sig and with secret-looking values masked (item 10)', async () => {
    const path = `/postback/${token}`;
    const answer = await relay.http(
      'GET',
      `${path}?click_id=cid-item-10&sig=${'ab'.repeat(32)}&pw=hunter2&code=4321&ts=${nowSeconds()}`,
    );
    expect(answer.body).toMatchObject({ code: 'INVALID_SIGNATURE' });
    const stored = (await postbacksOf(advertiserId, 'rejected')).find(
      (p) => p.params.click_id === 'cid-item-10',
    );
    expect(stored?.params).toEqual({ click_id: 'cid-item-10', pw: '[redacted]', code: '[redacted]' });
  });

  it('keeps the explicit legacy-body scheme, but refuses query parameters its signature does not cover', async () => {
    const legacy = await relay.admin<{ postbackToken: string }>('POST', '/api/advertisers', {
      name: 'Legacy',
      signingSecret: SECRET,
      signatureScheme: 'legacy-body',
    });
    const legacyToken = legacy.postbackToken;
    const body = 'click_id=cid-legacy&payout=1.50';
    const sig = createHmac('sha256', SECRET).update(body).digest('hex');
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-signature': sig };
    const ok = await relay.http('POST', `/postback/${legacyToken}`, { body, headers });
    expect(ok.status).toBe(200);
    const forged = await relay.http('POST', `/postback/${legacyToken}?payout=5000`, { body, headers });
    expect({ status: forged.status, body: forged.body }).toMatchObject({
      status: 403,
      body: { code: 'INVALID_SIGNATURE', param: 'payout' },
    });
  });

  it('shows the canonical string and signature of a request with POST /api/tools/sign-postback', async () => {
    const path = `/postback/${token}`;
    const body = '{"click_id":"cid-tool"}';
    const ts = nowSeconds();
    const result = await relay.http<{
      canonicalString: string;
      signature: string;
      headers: Record<string, string>;
    }>('POST', '/api/tools/sign-postback', {
      admin: true,
      headers: json,
      body: JSON.stringify({
        advertiserId,
        method: 'POST',
        url: `${path}?event=ftd&sig=x`,
        body,
        timestamp: ts,
      }),
    });
    expect(result.status).toBe(200);
    expect(result.body.canonicalString).toBe(`${ts}\nPOST\n${path}\nevent=ftd\n${body}`);
    expect(result.body.signature).toBe(signV1({ ts, method: 'POST', path, query: 'event=ftd', body }));
    const sent = await relay.http('POST', `${path}?event=ftd`, {
      body,
      headers: { ...json, ...result.body.headers },
    });
    expect(sent.status).toBe(200);
    const check = await relay.http<{ matches: boolean }>('POST', '/api/tools/sign-postback', {
      headers: { ...json, 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({
        secret: 'wrong-secret',
        method: 'GET',
        url: path,
        signature: result.body.signature,
      }),
    });
    expect(check.body.matches).toBe(false);
  });
});
