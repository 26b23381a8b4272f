import { type AdminConfigFixture, openAdminConfig } from './admin-config.fixture';

describe('admin API: advertisers', () => {
  let fx: AdminConfigFixture;

  beforeAll(async () => {
    fx = await openAdminConfig('admin-config-advertisers');
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('creates, reads, changes and deletes an advertiser', async () => {
    const created = await fx.api('POST', '/api/advertisers', {
      name: 'Acme',
      allowedIps: ['203.0.113.7', '2001:db8::/32'],
      paramMap: { clickId: ['transaction_id'], payout: 'sum' },
      statusMap: { '5': 'pending', Sale: 'approved' },
      defaultCurrency: 'eur',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Acme',
      allowedIps: ['203.0.113.7/32', '2001:db8::/32'],
      paramMap: { clickId: ['transaction_id'], payout: ['sum'] },
      statusMap: { '5': 'pending', sale: 'approved' },
      defaultCurrency: 'EUR',
      hasSigningSecret: false,
    });
    const token: string = created.body.postbackToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body.postbackUrlExample).toBe(
      `/postback/${token}?transaction_id={clickid}&sum={payout}&status={status}&txid={txid}`,
    );

    const id: string = created.body.id;
    expect((await fx.api('GET', `/api/advertisers/${id}`)).body).toEqual(created.body);

    const changed = await fx.api('PATCH', `/api/advertisers/${id}`, { name: 'Acme Inc', allowedIps: [] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Acme Inc', allowedIps: [], postbackToken: token });

    expect((await fx.api('DELETE', `/api/advertisers/${id}`)).status).toBe(204);
    const gone = await fx.api('GET', `/api/advertisers/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('ADVERTISER_NOT_FOUND');
  });

  it('keeps a given postback token and refuses a taken one with 409', async () => {
    const token = 'my-own-token_0123456789';
    const first = await fx.api('POST', '/api/advertisers', { name: 'A', postbackToken: token });
    expect(first.body.postbackToken).toBe(token);
    const second = await fx.api('POST', '/api/advertisers', { name: 'B', postbackToken: token });
    expect(second.status).toBe(409);
    const short = await fx.api('POST', '/api/advertisers', { name: 'C', postbackToken: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.param).toBe('postbackToken');
  });

  it('rotates the postback token', async () => {
    const created = await fx.api('POST', '/api/advertisers', { name: 'Rotating' });
    const rotated = await fx.api('POST', `/api/advertisers/${created.body.id}/rotate-token`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.postbackToken).not.toBe(created.body.postbackToken);
    expect(rotated.body.postbackUrlExample).toContain(rotated.body.postbackToken);
  });

  it('never returns the signing secret, only whether one is set', async () => {
    const secret = 'advertiser-hmac-secret-0123456789';
    const created = await fx.api('POST', '/api/advertisers', { name: 'Signed', signingSecret: secret });
    expect(created.body.hasSigningSecret).toBe(true);
    expect(JSON.stringify(created.body)).not.toContain(secret);
    const read = await fx.api('GET', `/api/advertisers/${created.body.id}`);
    expect(JSON.stringify(read.body)).not.toContain(secret);
    const cleared = await fx.api('PATCH', `/api/advertisers/${created.body.id}`, { signingSecret: null });
    expect(cleared.body.hasSigningSecret).toBe(false);
  });

  it('refuses bad CIDRs, maps, currencies and unknown fields with the field named', async () => {
    const cidr = await fx.api('POST', '/api/advertisers', { name: 'X', allowedIps: ['10.0.0.0/33'] });
    expect(cidr.status).toBe(400);
    expect(cidr.body).toMatchObject({ code: 'INVALID_CIDR', param: 'allowedIps' });

    const paramMap = await fx.api('POST', '/api/advertisers', { name: 'X', paramMap: { click_id: ['cid'] } });
    expect(paramMap.status).toBe(400);
    expect(paramMap.body).toMatchObject({ code: 'INVALID_PARAM_MAP', param: 'paramMap.click_id' });
    expect(paramMap.body.hint).toContain('clickId');

    const statusMap = await fx.api('POST', '/api/advertisers', { name: 'X', statusMap: { '5': 'paid' } });
    expect(statusMap.status).toBe(400);
    expect(statusMap.body.code).toBe('INVALID_STATUS_MAP');

    const currency = await fx.api('POST', '/api/advertisers', { name: 'X', defaultCurrency: 'US$' });
    expect(currency.status).toBe(400);
    expect(currency.body).toMatchObject({ code: 'INVALID_CURRENCY', param: 'defaultCurrency' });

    const unknown = await fx.api('POST', '/api/advertisers', { name: 'X', colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers 401 without a key and with a wrong key', async () => {
    const missing = await fx.api('GET', '/api/advertisers', undefined, {});
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('UNAUTHORIZED');
    const wrong = await fx.api('GET', '/api/advertisers', undefined, { 'x-api-key': 'wrong-key-0123456789' });
    expect(wrong.status).toBe(401);
    const bearer = await fx.api('GET', '/api/advertisers', undefined, {
      authorization: 'Bearer test-admin-key-0123456789',
    });
    expect(bearer.status).toBe(200);
  });

  it('pages through the list with nextCursor, newest first, without repeats', async () => {
    for (let i = 0; i < 5; i++) await fx.api('POST', '/api/advertisers', { name: `Paged ${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await fx.api('GET', `/api/advertisers?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(pages).toBe(Math.ceil(seen.length / 2));
    expect([...seen].sort().reverse()).toEqual(seen);

    const bad = await fx.api('GET', '/api/advertisers?limit=0');
    expect(bad.status).toBe(400);
    const badCursor = await fx.api('GET', '/api/advertisers?cursor=nope');
    expect(badCursor.status).toBe(400);
  });
});
