import { type AdminConfigFixture, openAdminConfig } from '../admin/admin-config.fixture';

const ENDPOINT_URL = 'https://tracker.example.com/pb?c={ext_click_id}';

describe('admin validation errors name the parameter cleanly', () => {
  let fx: AdminConfigFixture;

  beforeAll(async () => {
    fx = await openAdminConfig('validation-errors');
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('answers an unknown query parameter with param "tz" and a message naming it once', async () => {
    const response = await fx.api('GET', '/api/deliveries?tz=Europe%2FBerlin');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      param: 'tz',
      message: 'tz is not a known field here; remove it',
      details: ['tz is not a known field here; remove it'],
    });
  });

  it('names an unknown body field the same way', async () => {
    const response = await fx.api('POST', '/api/advertisers', { name: 'A', colour: 'red' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      param: 'colour',
      message: 'colour is not a known field here; remove it',
    });
  });

  it('lists every problem, each message starting with its field once', async () => {
    const response = await fx.api('POST', '/api/advertisers', { colour: 'red' });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual(
      expect.arrayContaining([
        'colour is not a known field here; remove it',
        expect.stringMatching(/^name must/),
      ]),
    );
    expect(response.body.message).toBe(response.body.details.join('; '));
  });

  it('names an unknown field of a registered click by its path', async () => {
    const response = await fx.api('POST', '/api/clicks', {
      clicks: [
        { clickId: 'c1', offerId: '665f1c2e8b3d4a0012345678', sourceId: '665f1c2e8b3d4a0087654321', tz: 1 },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      param: 'clicks[0].tz',
      message: 'clicks[0].tz is not a known field here; remove it',
    });
  });

  it('keeps the path of nested fields, without a doubled prefix', async () => {
    const response = await fx.api('POST', '/api/sources', {
      name: 'S',
      endpoints: [{ url: ENDPOINT_URL, maxRps: 0 }],
    });
    expect(response.status).toBe(400);
    expect(response.body.param).toBe('endpoints.0.maxRps');
    expect(response.body.message).toMatch(/^endpoints\.0\.maxRps must not be less than/);
  });

  it('refuses a {status:…} value map with a key that is not a conversion status, naming the field', async () => {
    const response = await fx.api('POST', '/api/sources', {
      name: 'S',
      endpoints: [{ url: 'https://tracker.example.com/pb?c={ext_click_id}&s={status:approved=1,bogus=2}' }],
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'INVALID_STATUS_MAPPING', param: 'endpoints[0].url' });
    expect(response.body.message).toContain('"bogus"');
    expect(response.body.hint).toContain('approved');

    const inBody = await fx.api('POST', '/api/sources', {
      name: 'S',
      endpoints: [
        {
          url: ENDPOINT_URL,
          method: 'POST',
          bodyTemplate: '{"s":"{status:aproved=1,rejected=0}"}',
        },
      ],
    });
    expect(inBody.body).toMatchObject({ code: 'INVALID_STATUS_MAPPING', param: 'endpoints[0].bodyTemplate' });

    const inHeader = await fx.api('POST', '/api/sources', {
      name: 'S',
      endpoints: [{ url: ENDPOINT_URL, headers: { 'X-Status': '{status:sale=1}' } }],
    });
    expect(inHeader.body).toMatchObject({
      code: 'INVALID_STATUS_MAPPING',
      param: 'endpoints[0].headers.X-Status',
    });

    const preview = await fx.api('POST', '/api/tools/preview', {
      template: 'https://t.example/?s={status:approved=1,bogus=2}',
      kind: 'forward-url',
    });
    expect(preview.body).toMatchObject({ code: 'INVALID_STATUS_MAPPING', param: 'template' });
  });

  it('accepts a value map of the three statuses and a * fallback, in any case', async () => {
    const response = await fx.api('POST', '/api/sources', {
      name: 'S',
      endpoints: [{ url: 'https://tracker.example.com/pb?s={status:Approved=1,pending=2,rejected=3,*=0}' }],
    });
    expect(response.status).toBe(201);
  });

  it('refuses an advertiser statusMap whose value is not a conversion status, naming the entry', async () => {
    const numbers = await fx.api('POST', '/api/advertisers', {
      name: 'A',
      statusMap: { approved: 1, bogus: 2 },
    });
    expect(numbers.status).toBe(400);
    expect(numbers.body).toMatchObject({ code: 'INVALID_STATUS_MAP', param: 'statusMap.approved' });
    const word = await fx.api('POST', '/api/advertisers', {
      name: 'A',
      statusMap: { sale: 'approved', lead: 'bogus' },
    });
    expect(word.status).toBe(400);
    expect(word.body).toMatchObject({ code: 'INVALID_STATUS_MAP', param: 'statusMap.lead' });
  });
});
