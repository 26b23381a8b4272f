import { ClickRepository, ConversionRepository, PostbackRepository } from '@ricochet/persistence';
import { type AdminConfigFixture, openAdminConfig } from './admin-config.fixture';

const ADVERTISER = '665f1c2e8b3d4a0011111111';
const OFFER = '665f1c2e8b3d4a0022222222';
const SOURCE = '665f1c2e8b3d4a0033333333';

describe('admin API: template preview and API docs', () => {
  let fx: AdminConfigFixture;

  beforeAll(async () => {
    fx = await openAdminConfig('admin-config-tools');
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('renders a URL template with URL-encoded values and lists the macros used', async () => {
    const response = await fx.api('POST', '/api/tools/preview', {
      template:
        'https://t.example/pb?c={ext_click_id}&s1={sub1}&p={payout}&st={status:approved=1,rejected=2}',
      kind: 'forward-url',
      values: { sub1: 'a b&c=d/é', ext_click_id: 'x?y' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      rendered: 'https://t.example/pb?c=x%3Fy&s1=a%20b%26c%3Dd%2F%C3%A9&p=8.75&st=1',
      macros: ['ext_click_id', 'sub1', 'payout', 'status'],
    });
  });

  it('renders a JSON body with JSON-escaped values and postback parameters', async () => {
    const response = await fx.api('POST', '/api/tools/preview', {
      template: '{"c":"{click_id}","amount":{payout},"goal":"{postback.goal}"}',
      kind: 'json-body',
      values: { click_id: 'say "hi"', 'postback.goal': 'ftd' },
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.rendered)).toEqual({ c: 'say "hi"', amount: 8.75, goal: 'ftd' });
  });

  it('renders against a stored conversion with its click and postback', async () => {
    const click = await fx.app.get(ClickRepository).recordClick({
      clickId: 'previewclick0000000001',
      offerId: OFFER,
      sourceId: SOURCE,
      advertiserId: ADVERTISER,
      extClickId: 'ext 42',
      sub1: 'camp/1',
      country: 'DE',
    });
    const postback = await fx.app.get(PostbackRepository).recordPostback({
      advertiserId: ADVERTISER,
      params: { click_id: click.clickId, goal: 'sale' },
      method: 'GET',
    });
    const inserted = await fx.app.get(ConversionRepository).insertIfAbsent({
      clickId: click.clickId,
      offerId: OFFER,
      sourceId: SOURCE,
      advertiserId: ADVERTISER,
      event: 'conversion',
      txid: 'TX-9',
      status: 'approved',
      revenue: 12_500_000,
      payout: 10_000_000,
      currency: 'EUR',
      postbackId: postback.id,
    });
    if (!inserted.created) throw new Error('conversion already existed');
    const response = await fx.api('POST', '/api/tools/preview', {
      template:
        'https://t.example/?c={ext_click_id}&s={sub1}&p={payout}&r={revenue}&cur={currency}&g={postback.goal}&cc={country}&id={conversion_id}',
      kind: 'forward-url',
      conversionId: inserted.conversion.id,
    });
    expect(response.status).toBe(200);
    expect(response.body.rendered).toBe(
      `https://t.example/?c=ext%2042&s=camp%2F1&p=10.00&r=12.50&cur=EUR&g=sale&cc=DE&id=${inserted.conversion.id}`,
    );

    const missing = await fx.api('POST', '/api/tools/preview', {
      template: 'https://t.example/?c={click_id}',
      kind: 'forward-url',
      conversionId: '665f1c2e8b3d4a0099999999',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('CONVERSION_NOT_FOUND');
  });

  it('answers template errors with their code and hint', async () => {
    const unknown = await fx.api('POST', '/api/tools/preview', {
      template: 'https://t.example/?c={clikid}',
      kind: 'offer-url',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_MACRO', param: 'template' });
    expect(unknown.body.hint).toContain('{click_id}');

    const foreign = await fx.api('POST', '/api/tools/preview', {
      template: 'https://t.example/?c=${SUBID}',
      kind: 'forward-url',
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('FOREIGN_MACRO_SYNTAX');
    expect(foreign.body.hint).toMatch(/\{[a-z_0-9]+\}/);

    const kind = await fx.api('POST', '/api/tools/preview', { template: 'x', kind: 'sql' });
    expect(kind.status).toBe(400);
    expect(kind.body.param).toBe('kind');
  });

  it('answers 401 without the API key', async () => {
    const response = await fx.api('POST', '/api/tools/preview', { template: 'x', kind: 'header' }, {});
    expect(response.status).toBe(401);
  });

  it('documents every admin-config route with the API-key security in /docs-json', async () => {
    const docs = await fx.api('GET', '/docs-json', undefined, {});
    expect(docs.status).toBe(200);
    const routes: Array<[string, string]> = [
      ['/api/advertisers', 'post'],
      ['/api/advertisers', 'get'],
      ['/api/advertisers/{id}', 'get'],
      ['/api/advertisers/{id}', 'patch'],
      ['/api/advertisers/{id}', 'delete'],
      ['/api/advertisers/{id}/rotate-token', 'post'],
      ['/api/offers', 'post'],
      ['/api/offers', 'get'],
      ['/api/offers/{id}', 'patch'],
      ['/api/sources', 'post'],
      ['/api/sources/{id}', 'patch'],
      ['/api/sources/{id}/endpoints/{endpointId}/enable', 'post'],
      ['/api/sources/{id}/endpoints/{endpointId}/rotate-secret', 'post'],
      ['/api/tools/preview', 'post'],
    ];
    for (const [path, method] of routes) {
      const operation = docs.body.paths[path]?.[method];
      expect({ path, method, found: operation !== undefined }).toEqual({ path, method, found: true });
      expect(operation.security).toEqual(expect.arrayContaining([{ 'api-key': [] }]));
      expect(operation.responses['401']).toBeDefined();
    }
    const schemas = docs.body.components.schemas;
    expect(schemas.CreateOfferBody.properties.defaultRevenue).toMatchObject({
      type: 'string',
      example: '12.50',
    });
    expect(schemas.CreateOfferBody.properties.url.description).toContain('{click_id}');
    expect(schemas.AdvertiserResponse.properties.signingSecret).toBeUndefined();
    expect(schemas.PayoutRuleBody).toBeDefined();
  });
});
