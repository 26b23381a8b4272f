import { type AdminConfigFixture, openAdminConfig } from './admin-config.fixture';

describe('admin API: offers', () => {
  let fx: AdminConfigFixture;
  let advertiserId: string;

  beforeAll(async () => {
    fx = await openAdminConfig('admin-config-offers');
    advertiserId = (await fx.api('POST', '/api/advertisers', { name: 'Acme' })).body.id;
  });

  afterAll(async () => {
    await fx?.close();
  });

  const offer = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    advertiserId,
    name: 'Acme VPN',
    url: 'https://acme.example/landing?aff_click_id={click_id}&s1={sub1}',
    ...overrides,
  });

  it('creates an offer with defaults, reads, changes and deletes it', async () => {
    const created = await fx.api('POST', '/api/offers', offer({ defaultRevenue: '12.5' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      advertiserId,
      name: 'Acme VPN',
      defaultRevenue: '12.50',
      payoutRule: { type: 'passthrough' },
      attributionWindowDays: 30,
      status: 'active',
    });
    const id: string = created.body.id;
    expect((await fx.api('GET', `/api/offers/${id}`)).body).toEqual(created.body);

    const changed = await fx.api('PATCH', `/api/offers/${id}`, {
      status: 'paused',
      fallbackUrl: 'https://acme.example/offers?c={click_id}',
      payoutRule: { type: 'percent', percent: '70', perEvent: { ftd: { type: 'fixed', amount: '25' } } },
      attributionWindowDays: 7,
      defaultRevenue: null,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      status: 'paused',
      fallbackUrl: 'https://acme.example/offers?c={click_id}',
      payoutRule: { type: 'percent', percent: '70', perEvent: { ftd: { type: 'fixed', amount: '25.00' } } },
      attributionWindowDays: 7,
    });
    expect(changed.body.defaultRevenue).toBeUndefined();

    expect((await fx.api('DELETE', `/api/offers/${id}`)).status).toBe(204);
    expect((await fx.api('GET', `/api/offers/${id}`)).body.code).toBe('OFFER_NOT_FOUND');
  });

  it('refuses an offer of an advertiser that does not exist', async () => {
    const response = await fx.api('POST', '/api/offers', offer({ advertiserId: '665f1c2e8b3d4a0012345678' }));
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'ADVERTISER_NOT_FOUND', param: 'advertiserId' });
  });

  it('refuses an unknown macro at save time with a hint', async () => {
    const response = await fx.api('POST', '/api/offers', offer({ url: 'https://acme.example/?c={clikid}' }));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'UNKNOWN_MACRO', param: 'url' });
    expect(response.body.hint).toContain('{click_id}');
  });

  it('refuses a forward-only macro in an offer URL', async () => {
    const response = await fx.api('POST', '/api/offers', offer({ url: 'https://acme.example/?p={payout}' }));
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('MACRO_NOT_ALLOWED');
  });

  it.each(['${SUBID}', '[clickid]', '#s2#', '%x%'])(
    'refuses the foreign token %s with a hint naming our macro',
    async (token) => {
      const response = await fx.api(
        'POST',
        '/api/offers',
        offer({ url: `https://acme.example/?c=${token}` }),
      );
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'FOREIGN_MACRO_SYNTAX', param: 'url' });
      expect(response.body.hint).toMatch(/\{[a-z_0-9]+\}/);
    },
  );

  it('refuses a money amount with a decimal comma, naming the field', async () => {
    const response = await fx.api('POST', '/api/offers', offer({ defaultRevenue: '12,5' }));
    expect(response.status).toBe(400);
    expect(response.body.param).toBe('defaultRevenue');
    expect(response.body.message).toContain('defaultRevenue');
    expect(response.body.message).toContain('12,5');

    const nested = await fx.api(
      'POST',
      '/api/offers',
      offer({ payoutRule: { type: 'fixed', amount: '1,5' } }),
    );
    expect(nested.status).toBe(400);
    expect(nested.body.message).toContain('payoutRule.amount');
  });

  it('refuses a payout rule without its amount and an out-of-range window', async () => {
    const rule = await fx.api('POST', '/api/offers', offer({ payoutRule: { type: 'fixed' } }));
    expect(rule.status).toBe(400);
    expect(rule.body).toMatchObject({ code: 'INVALID_PAYOUT_RULE', param: 'payoutRule.amount' });
    const window = await fx.api('POST', '/api/offers', offer({ attributionWindowDays: 366 }));
    expect(window.status).toBe(400);
    expect(window.body.param).toBe('attributionWindowDays');
  });

  it('lists offers filtered by advertiser and status', async () => {
    const other = (await fx.api('POST', '/api/advertisers', { name: 'Other' })).body.id;
    await fx.api('POST', '/api/offers', offer({ name: 'active one' }));
    await fx.api('POST', '/api/offers', offer({ name: 'paused one', status: 'paused' }));
    await fx.api('POST', '/api/offers', offer({ advertiserId: other, name: 'other' }));

    const paused = await fx.api('GET', `/api/offers?advertiserId=${advertiserId}&status=paused`);
    expect(paused.body.items.map((o: { name: string }) => o.name)).toEqual(['paused one']);
    const others = await fx.api('GET', `/api/offers?advertiserId=${other}`);
    expect(others.body.items.map((o: { name: string }) => o.name)).toEqual(['other']);
    const bad = await fx.api('GET', '/api/offers?status=deleted');
    expect(bad.status).toBe(400);
  });
});
