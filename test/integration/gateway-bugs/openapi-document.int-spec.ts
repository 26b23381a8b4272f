import { type AdminConfigFixture, openAdminConfig } from '../admin/admin-config.fixture';
import { validateOpenApi } from './swagger-parser';

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  example?: unknown;
  examples?: unknown;
  description?: string;
  schema?: { example?: unknown; examples?: unknown; default?: unknown; enum?: unknown[] };
}

interface MediaType {
  schema?: { $ref?: string };
  example?: { statusCode?: number; code?: string };
}

interface Operation {
  tags?: string[];
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

interface OpenApi {
  openapi: string;
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { bearerFormat?: string; description?: string }> };
}

/** Parameters Swagger UI may prefill because the server uses that value anyway when it is left out. */
const REAL_DEFAULTS: Record<string, unknown> = {
  limit: 50,
  '/api/offers/{id}/tracking-link macro': '{clickid}',
  '/api/reports tz': 'UTC',
};

/** What Swagger UI would put in a parameter's input before the operator types anything. */
function prefill(parameter: Parameter): unknown {
  return (
    parameter.example ??
    parameter.examples ??
    parameter.schema?.example ??
    parameter.schema?.examples ??
    parameter.schema?.default
  );
}

describe('the OpenAPI document at /docs-json', () => {
  let fx: AdminConfigFixture;
  let doc: OpenApi;

  const operations = (): Array<{ method: string; path: string; op: Operation }> =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method, path, op })),
    );

  beforeAll(async () => {
    fx = await openAdminConfig('openapi-document');
    const response = await fetch(`${await fx.app.getUrl()}/docs-json`);
    doc = (await response.json()) as OpenApi;
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('is a valid OpenAPI 3 document (swagger-parser validates schema and semantics)', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(await validateOpenApi(doc)).toBe('valid');
  });

  it('documents /postback and /postback/{token} apart: a required path token only where the path has one', () => {
    for (const method of ['get', 'post']) {
      const withToken = doc.paths['/postback/{token}'][method];
      const withoutToken = doc.paths['/postback'][method];
      expect(withToken.parameters?.filter((p) => p.in === 'path')).toEqual([
        expect.objectContaining({ name: 'token', required: true }),
      ]);
      expect(withoutToken.parameters?.filter((p) => p.in === 'path') ?? []).toEqual([]);
      expect(withoutToken.parameters).toContainEqual(expect.objectContaining({ name: 'token', in: 'query' }));
    }
  });

  it('prefills no filter of any GET /api operation: no example, and no default but the page size', () => {
    const prefilled = operations()
      .filter(({ method, path }) => method === 'get' && path.startsWith('/api/'))
      .flatMap(({ path, op }) =>
        (op.parameters ?? [])
          .filter((p) => p.in === 'query' || p.in === 'path')
          .filter((p) => {
            const value = prefill(p);
            return (
              value !== undefined && value !== (REAL_DEFAULTS[`${path} ${p.name}`] ?? REAL_DEFAULTS[p.name])
            );
          })
          .map((p) => `${path} ${p.in}:${p.name}=${JSON.stringify(prefill(p))}`),
      );
    expect(prefilled).toEqual([]);
    const deliveries = doc.paths['/api/deliveries'].get.parameters ?? [];
    expect(deliveries.map((p) => p.name).sort()).toEqual(
      ['conversionId', 'cursor', 'endpointId', 'from', 'limit', 'sourceId', 'state', 'to'].sort(),
    );
  });

  it('prefills no parameter of the public click route either', () => {
    const click = doc.paths['/click'].get.parameters ?? [];
    expect(click.length).toBeGreaterThan(0);
    expect(click.filter((p) => prefill(p) !== undefined).map((p) => p.name)).toEqual([]);
  });

  it('shows every error answer with an example body of its own status', () => {
    const wrong = operations().flatMap(({ method, path, op }) =>
      Object.entries(op.responses)
        .filter(([status]) => Number(status) >= 400)
        .flatMap(([status, response]) => {
          const json = response.content?.['application/json'];
          if (json?.schema?.$ref !== '#/components/schemas/ErrorResponse') return [];
          return json.example?.statusCode === Number(status) && typeof json.example.code === 'string'
            ? []
            : [`${method} ${path} ${status}: ${JSON.stringify(json.example)}`];
        }),
    );
    expect(wrong).toEqual([]);
    const unauthorized = doc.paths['/api/deliveries'].get.responses['401'].content?.['application/json'];
    expect(unauthorized?.example).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });

  it('describes the bearer scheme as the admin API key, not a JWT', () => {
    const bearer = doc.components.securitySchemes.bearer;
    expect(bearer.bearerFormat).not.toBe('JWT');
    expect(bearer.description).toContain('ADMIN_API_KEYS');
  });

  it('groups the admin API by task, in the order Setup, Live, Failures, Reports, Tools', () => {
    expect(doc.tags?.map((tag) => tag.name).slice(0, 5)).toEqual([
      'Setup',
      'Live',
      'Failures',
      'Reports',
      'Tools',
    ]);
    const tagOf = (method: string, path: string): string[] | undefined => doc.paths[path]?.[method]?.tags;
    expect({
      advertisers: tagOf('post', '/api/advertisers'),
      offers: tagOf('get', '/api/offers'),
      trackingLink: tagOf('get', '/api/offers/{id}/tracking-link'),
      sources: tagOf('patch', '/api/sources/{id}'),
      endpoints: tagOf('post', '/api/sources/{id}/endpoints/{endpointId}/enable'),
      clicks: tagOf('get', '/api/clicks/{clickId}/trace'),
      registerClicks: tagOf('post', '/api/clicks'),
      postbacks: tagOf('get', '/api/postbacks'),
      conversions: tagOf('get', '/api/conversions'),
      deliveries: tagOf('get', '/api/deliveries'),
      bulkReplay: tagOf('post', '/api/deliveries/replay'),
      postbackReplay: tagOf('post', '/api/postbacks/{id}/replay'),
      reports: tagOf('get', '/api/reports'),
      preview: tagOf('post', '/api/tools/preview'),
    }).toEqual({
      advertisers: ['Setup'],
      offers: ['Setup'],
      trackingLink: ['Setup'],
      sources: ['Setup'],
      endpoints: ['Setup'],
      clicks: ['Live'],
      registerClicks: ['Live'],
      postbacks: ['Live'],
      conversions: ['Live'],
      deliveries: ['Failures'],
      bulkReplay: ['Failures'],
      postbackReplay: ['Failures'],
      reports: ['Reports'],
      preview: ['Tools'],
    });
    // Every admin operation is in exactly one of the five groups, and the paths are listed group by group.
    const groups = ['Setup', 'Live', 'Failures', 'Reports', 'Tools'];
    const admin = operations().filter(({ path }) => path.startsWith('/api/'));
    expect(admin.filter(({ op }) => op.tags?.length !== 1 || !groups.includes(op.tags[0]))).toEqual([]);
    const order = admin.map(({ op }) => groups.indexOf(op.tags![0]));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
