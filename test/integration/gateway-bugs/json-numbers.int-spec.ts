import { type AdminConfigFixture, openAdminConfig } from '../admin/admin-config.fixture';

/** JSON numbers are read as written, never through Number#toString (0.0000001 → "1e-7"). */
describe('JSON numbers keep the text they were sent as', () => {
  let fx: AdminConfigFixture;
  let base: string;
  let token: string;

  beforeAll(async () => {
    fx = await openAdminConfig('json-numbers');
    base = await fx.app.getUrl();
    token = (await fx.api('POST', '/api/advertisers', { name: 'Acme' })).body.postbackToken;
  });

  afterAll(async () => {
    await fx?.close();
  });

  const postJson = (body: string): Promise<Response> =>
    fetch(`${base}/postback/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  it('accepts a JSON postback with "payout": 0.0000001 and stores the payout as sent', async () => {
    const response = await postJson('{"click_id":"json-num-1","payout":0.0000001,"sum_total":12.50}');
    expect(response.status).toBe(200);
    const { postbackId } = (await response.json()) as { postbackId: string };
    const stored = await fx.api('GET', `/api/postbacks/${postbackId}`);
    expect(stored.body.params).toMatchObject({ payout: '0.0000001', sum_total: '12.50' });
    expect(stored.body.outcome).toBe('accepted');
  });

  it('still refuses an exponent that is really in the body', async () => {
    const response = await postJson('{"click_id":"json-num-2","payout":1e-7}');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'INVALID_PAYOUT', param: 'payout' });
  });

  it('keeps the body bounds: a nested body is refused before anything walks it', async () => {
    const deep = `{"click_id":"x","payout":${'['.repeat(40)}1${']'.repeat(40)}}`;
    const response = await postJson(deep);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'JSON_TOO_DEEP' });
    const large = await postJson(`{"click_id":"x","pad":"${'a'.repeat(70 * 1024)}"}`);
    expect(large.status).toBe(413);
  });

  it('renders a preview value sent as a JSON number as written, not as 1e-7', async () => {
    const response = await fetch(`${base}/api/tools/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'test-admin-key-0123456789' },
      body:
        '{"template":"https://t.example/pb?p={payout}&g={postback.goal}","kind":"forward-url",' +
        '"values":{"payout":0.0000001,"postback.goal":12.50}}',
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { rendered: string }).rendered).toBe(
      'https://t.example/pb?p=0.0000001&g=12.50',
    );
  });

  it('refuses an admin money field sent as a JSON number without quoting a number it was not sent', async () => {
    const advertiserId = (await fx.api('GET', '/api/advertisers')).body.items[0].id;
    const response = await fetch(`${base}/api/offers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'test-admin-key-0123456789' },
      body: `{"advertiserId":"${advertiserId}","name":"O","url":"https://o.example.com/","defaultRevenue":0.0000001}`,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { param: string; message: string };
    expect(body.param).toBe('defaultRevenue');
    expect(body.message).not.toContain('1e-7');
    expect(body.message).toContain('string');
  });
});
