import { SourceRepository } from '@ricochet/persistence';
import { type AdminConfigFixture, openAdminConfig } from './admin-config.fixture';

const GET_ENDPOINT = { url: 'https://tracker.example/pb?clickid={ext_click_id}&sum={payout}' };
const POST_ENDPOINT = {
  url: 'https://hooks.example/conversions',
  method: 'POST',
  bodyTemplate: '{"click":"{ext_click_id}","amount":{payout}}',
  headers: { 'X-Token': 'abc', 'X-Click': '{click_id}' },
  events: ['ftd'],
  statuses: ['approved', 'rejected'],
  fireOnce: false,
  successBodyMatch: '^OK',
  maxRps: 5,
  retrySchedule: '10s,1m,5m',
  signing: { enabled: true },
};

describe('admin API: sources', () => {
  let fx: AdminConfigFixture;

  beforeAll(async () => {
    fx = await openAdminConfig('admin-config-sources');
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('creates a source with endpoints and defaults, reads, changes and deletes it', async () => {
    const created = await fx.api('POST', '/api/sources', {
      name: 'PushHouse',
      payoutRule: { type: 'percent', percent: '60' },
      endpoints: [GET_ENDPOINT, POST_ENDPOINT],
    });
    expect(created.status).toBe(201);
    const [get, post] = created.body.endpoints;
    expect(get).toMatchObject({
      method: 'GET',
      bodyFormat: 'json',
      events: ['*'],
      statuses: ['approved'],
      fireOnce: true,
      enabled: true,
      hasSigningSecret: false,
    });
    expect(post).toMatchObject({
      method: 'POST',
      headers: { 'X-Token': 'abc', 'X-Click': '{click_id}' },
      events: ['ftd'],
      statuses: ['approved', 'rejected'],
      fireOnce: false,
      maxRps: 5,
      retrySchedule: '10s,1m,5m',
      hasSigningSecret: true,
    });
    expect(created.body.payoutRule).toEqual({ type: 'percent', percent: '60' });

    const id: string = created.body.id;
    const renamed = await fx.api('PATCH', `/api/sources/${id}`, { name: 'PushHouse 2', payoutRule: null });
    expect(renamed.body.name).toBe('PushHouse 2');
    expect(renamed.body.payoutRule).toBeUndefined();
    expect(renamed.body.endpoints.map((e: { id: string }) => e.id)).toEqual([get.id, post.id]);

    const replaced = await fx.api('PATCH', `/api/sources/${id}`, {
      endpoints: [{ ...POST_ENDPOINT, id: post.id, maxRps: 10 }, GET_ENDPOINT],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.endpoints[0]).toMatchObject({ id: post.id, maxRps: 10, hasSigningSecret: true });
    expect(replaced.body.endpoints[0].signingSecret).toBeUndefined();
    expect(replaced.body.endpoints[1].id).not.toBe(get.id);

    expect((await fx.api('DELETE', `/api/sources/${id}`)).status).toBe(204);
    expect((await fx.api('GET', `/api/sources/${id}`)).body.code).toBe('SOURCE_NOT_FOUND');
  });

  it('shows a generated signing secret once, then never', async () => {
    const created = await fx.api('POST', '/api/sources', { name: 'Signed', endpoints: [POST_ENDPOINT] });
    const secret: string = created.body.endpoints[0].signingSecret;
    expect(secret).toMatch(/^whsec_/);
    const stored = await fx.app.get(SourceRepository).findById(created.body.id);
    expect(stored?.endpoints[0].signingSecret).toBe(secret);

    const read = await fx.api('GET', `/api/sources/${created.body.id}`);
    expect(read.body.endpoints[0].hasSigningSecret).toBe(true);
    expect(JSON.stringify(read.body)).not.toContain(secret);
    const list = await fx.api('GET', '/api/sources');
    expect(JSON.stringify(list.body)).not.toContain(secret);

    const endpointId: string = created.body.endpoints[0].id;
    const rotated = await fx.api(
      'POST',
      `/api/sources/${created.body.id}/endpoints/${endpointId}/rotate-secret`,
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.endpoints[0].signingSecret).toMatch(/^whsec_/);
    expect(rotated.body.endpoints[0].signingSecret).not.toBe(secret);

    const off = await fx.api('PATCH', `/api/sources/${created.body.id}`, {
      endpoints: [{ ...POST_ENDPOINT, id: endpointId, signing: { enabled: false } }],
    });
    expect(off.body.endpoints[0].hasSigningSecret).toBe(false);
  });

  it('re-enables an auto-disabled endpoint', async () => {
    const created = await fx.api('POST', '/api/sources', { name: 'Gone', endpoints: [GET_ENDPOINT] });
    const endpointId: string = created.body.endpoints[0].id;
    await fx.app.get(SourceRepository).disableEndpoint(endpointId, 'HTTP 410 Gone');
    const disabled = await fx.api('GET', `/api/sources/${created.body.id}`);
    expect(disabled.body.endpoints[0]).toMatchObject({ enabled: false, disabledReason: 'HTTP 410 Gone' });

    const enabled = await fx.api('POST', `/api/sources/${created.body.id}/endpoints/${endpointId}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.body.endpoints[0].enabled).toBe(true);
    expect(enabled.body.endpoints[0].disabledReason).toBeUndefined();

    const missing = await fx.api(
      'POST',
      `/api/sources/${created.body.id}/endpoints/665f1c2e8b3d4a0012345678/enable`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ENDPOINT_NOT_FOUND');
  });

  it.each([
    ['an unknown macro', { url: 'https://t.example/?c={clikid}' }, 'UNKNOWN_MACRO', 'endpoints[0].url'],
    [
      'a foreign token',
      { url: 'https://t.example/?c={SUBID}&x=${SUBID}' },
      'FOREIGN_MACRO_SYNTAX',
      'endpoints[0].url',
    ],
    ['a non-http scheme', { url: 'ftp://t.example/{click_id}' }, 'INVALID_URL_TEMPLATE', 'endpoints[0].url'],
    [
      'POST without a body template',
      { ...GET_ENDPOINT, method: 'POST' },
      'BODY_TEMPLATE_REQUIRED',
      'endpoints[0].bodyTemplate',
    ],
    [
      'an unquoted string macro in JSON',
      { ...POST_ENDPOINT, bodyTemplate: '{"a":{ext_click_id}}' },
      'INVALID_JSON_TEMPLATE',
      'endpoints[0].bodyTemplate',
    ],
    [
      'a Host header',
      { ...GET_ENDPOINT, headers: { Host: 'evil.example' } },
      'RESERVED_HEADER',
      'endpoints[0].headers.Host',
    ],
    [
      'an Idempotency-Key header',
      { ...GET_ENDPOINT, headers: { 'Idempotency-Key': 'x' } },
      'RESERVED_HEADER',
      'endpoints[0].headers.Idempotency-Key',
    ],
    [
      'a foreign token in a header',
      { ...GET_ENDPOINT, headers: { 'X-A': '[clickid]' } },
      'FOREIGN_MACRO_SYNTAX',
      'endpoints[0].headers.X-A',
    ],
    [
      'an invalid regex',
      { ...GET_ENDPOINT, successBodyMatch: '(' },
      'INVALID_REGEX',
      'endpoints[0].successBodyMatch',
    ],
    [
      'a retry schedule without units',
      { ...GET_ENDPOINT, retrySchedule: '10,20' },
      'INVALID_RETRY_SCHEDULE',
      'endpoints[0].retrySchedule',
    ],
    ['maxRps 0', { ...GET_ENDPOINT, maxRps: 0 }, 'VALIDATION_FAILED', 'endpoints.0.maxRps'],
    ['maxRps above 1000', { ...GET_ENDPOINT, maxRps: 1001 }, 'VALIDATION_FAILED', 'endpoints.0.maxRps'],
    [
      'an id of another source',
      { ...GET_ENDPOINT, id: '665f1c2e8b3d4a0012345678' },
      'UNKNOWN_ENDPOINT_ID',
      'endpoints[0].id',
    ],
  ])('refuses an endpoint with %s (%s)', async (_label, endpoint, code, param) => {
    const response = await fx.api('POST', '/api/sources', { name: 'Bad', endpoints: [endpoint] });
    expect(response.status).toBe(400);
    expect({ code: response.body.code, param: response.body.param }).toEqual({ code, param });
    expect(response.body.message).toEqual(expect.any(String));
  });
});

describe('admin API: sources with private destinations closed', () => {
  let fx: AdminConfigFixture;

  beforeAll(async () => {
    fx = await openAdminConfig('admin-config-sources-ssrf', { FORWARD_ALLOW_PRIVATE: 'false' });
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('refuses a literal private or metadata address at save time and accepts a hostname', async () => {
    for (const url of ['http://10.0.0.5/pb?c={click_id}', 'http://169.254.169.254/latest?c={click_id}']) {
      const response = await fx.api('POST', '/api/sources', { name: 'Private', endpoints: [{ url }] });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'SSRF_ADDRESS', param: 'endpoints[0].url' });
    }
    const hostname = await fx.api('POST', '/api/sources', { name: 'Public', endpoints: [GET_ENDPOINT] });
    expect(hostname.status).toBe(201);
  });
});
