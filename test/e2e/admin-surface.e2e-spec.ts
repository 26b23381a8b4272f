import { validateOpenApi } from '../integration/gateway-bugs/swagger-parser';
import { Relay } from './relay.fixture';

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, unknown> };
}

/** the admin routes an operator must find in Swagger UI. */
const REQUIRED_ROUTES = [
  'get /api/advertisers',
  'post /api/advertisers',
  'get /api/advertisers/{id}',
  'patch /api/advertisers/{id}',
  'delete /api/advertisers/{id}',
  'get /api/offers',
  'post /api/offers',
  'patch /api/offers/{id}',
  'get /api/offers/{id}/tracking-link',
  'get /api/sources',
  'post /api/sources',
  'patch /api/sources/{id}',
  'post /api/clicks',
  'get /api/clicks/{clickId}',
  'get /api/clicks/{clickId}/trace',
  'get /api/postbacks',
  'get /api/postbacks/{id}',
  'post /api/postbacks/{id}/replay',
  'get /api/conversions',
  'get /api/conversions/{id}',
  'post /api/conversions/{id}/status',
  'get /api/deliveries',
  'get /api/deliveries/{id}',
  'post /api/deliveries/{id}/replay',
  'post /api/deliveries/replay',
  'post /api/tools/preview',
  'get /api/reports',
];

describe('the admin surface: Swagger lists it, keys guard it', () => {
  let relay: Relay;
  let openApi: OpenApi;
  beforeAll(async () => {
    relay = await Relay.start('e2e-admin-surface');
    openApi = (await relay.http<OpenApi>('GET', '/docs-json')).body;
  });
  afterAll(() => relay?.close());

  const operations = (): Array<{ method: string; path: string; security?: unknown[] }> =>
    Object.entries(openApi.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method, path, security: op.security })),
    );

  it('serves a valid OpenAPI 3 document listing every admin route of the product', async () => {
    expect(openApi.openapi).toMatch(/^3\./);
    expect(await validateOpenApi(openApi)).toBe('valid');
    const listed = operations().map((op) => `${op.method} ${op.path}`);
    expect(REQUIRED_ROUTES.filter((route) => !listed.includes(route))).toEqual([]);
    expect(Object.keys(openApi.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
  });

  it('declares the API-key security on every /api operation', () => {
    const unsecured = operations().filter((op) => op.path.startsWith('/api/') && !op.security?.length);
    expect(unsecured).toEqual([]);
  });

  it('answers 401 to every /api operation without a key and with a wrong key', async () => {
    const apiOperations = operations().filter((op) => op.path.startsWith('/api/'));
    expect(apiOperations.length).toBeGreaterThanOrEqual(REQUIRED_ROUTES.length);
    for (const op of apiOperations) {
      const path = op.path.replace(/\{[^}]+\}/g, '665f1c2e8b3d4a0012345678');
      const body = ['post', 'patch', 'put'].includes(op.method) ? '{}' : undefined;
      const headers = body ? { 'content-type': 'application/json' } : undefined;
      const anonymous = await relay.http(op.method.toUpperCase(), path, { body, headers });
      const wrongKey = await relay.http(op.method.toUpperCase(), path, {
        body,
        headers: { ...headers, 'x-api-key': 'not-the-key-0123456789' },
      });
      const bearer = await relay.http(op.method.toUpperCase(), path, {
        body,
        headers: { ...headers, authorization: 'Bearer not-the-key-0123456789' },
      });
      expect([op.method, op.path, anonymous.status, wrongKey.status, bearer.status]).toEqual([
        op.method,
        op.path,
        401,
        401,
        401,
      ]);
      expect(anonymous.body).toMatchObject({ code: 'UNAUTHORIZED' });
    }
  });

  it('accepts the key as x-api-key and as Authorization: Bearer', async () => {
    expect((await relay.http('GET', '/api/advertisers', { admin: true })).status).toBe(200);
    const bearer = await relay.http('GET', '/api/advertisers', {
      headers: { authorization: 'Bearer test-admin-key-0123456789' },
    });
    expect(bearer.status).toBe(200);
  });

  it('serves Swagger UI at /docs', async () => {
    const page = await relay.http<string>('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.body).toContain('swagger-ui');
  });
});
