import { AttributionProducer, QUEUES, QueueSet } from '@ricochet/queue';
import type { Queue } from 'bullmq';
import { ADMIN_KEY, type Apps, startApps } from './observability.fixture';

type Auth = 'none' | 'wrong' | 'x-api-key' | 'bearer';

function headers(auth: Auth): Record<string, string> {
  switch (auth) {
    case 'none':
      return {};
    case 'wrong':
      return { 'x-api-key': 'not-the-admin-key-000000' };
    case 'x-api-key':
      return { 'x-api-key': ADMIN_KEY };
    case 'bearer':
      return { authorization: `Bearer ${ADMIN_KEY}` };
  }
}

interface QueueListing {
  queues: { name: string; readOnlyMode: boolean; counts: Record<string, number> }[];
}

describe('queue dashboard (bull-board at /queues)', () => {
  describe('read-only, the default', () => {
    let apps: Apps;
    let attribution: Queue;

    beforeAll(async () => {
      apps = await startApps('queue dashboard read-only');
      attribution = apps.gateway.get(QueueSet).partitionsOf(QUEUES.attribution)[0];
      // A job to look at: with no worker running it stays waiting.
      await apps.gateway.get(AttributionProducer).attribute('665f1c2e8b3d4a0012345678');
    });

    afterAll(async () => {
      await apps?.close();
    });

    const get = (path: string, auth: Auth) =>
      fetch(`${apps.gatewayUrl}${path}`, { headers: headers(auth), redirect: 'manual' });

    it.each([
      ['/queues', 'none'],
      ['/queues', 'wrong'],
      ['/queues/api/queues', 'none'],
      ['/queues/api/queues', 'wrong'],
    ] as const)('answers 401 UNAUTHORIZED to GET %s with %s key', async (path, auth) => {
      const response = await get(path, auth);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      expect(await response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    });

    it('never takes the key from the URL', async () => {
      const response = await get(`/queues?key=${ADMIN_KEY}&api_key=${ADMIN_KEY}`, 'none');
      expect(response.status).toBe(401);
    });

    it.each(['x-api-key', 'bearer'] as const)(
      'serves the dashboard page and its assets with the admin key as %s',
      async (auth) => {
        const page = await get('/queues', auth);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toContain('text/html');
        const html = await page.text();
        expect(html).toContain('<base href="/queues/"');
        expect(html).toContain('<title>Ricochet queues</title>');

        const css = /href="(static\/css\/[^"]+\.css)"/.exec(html)?.[1];
        expect(css).toBeDefined();
        const asset = await get(`/queues/${css}`, auth);
        expect(asset.status).toBe(200);
        expect(asset.headers.get('content-type')).toContain('text/css');
        expect((await get(`/queues/${css}`, 'none')).status).toBe(401);
      },
    );

    it('lists every queue, read-only, with its job counts, through its JSON API', async () => {
      const response = await get(
        '/queues/api/queues?activeQueue=attribution&status=waiting&page=1',
        'bearer',
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as QueueListing;
      expect(body.queues.map((queue) => queue.name).sort()).toEqual(
        [QUEUES.attribution, QUEUES.delivery, QUEUES.deliveryRetry].sort(),
      );
      expect(body.queues.every((queue) => queue.readOnlyMode)).toBe(true);
      expect(body.queues.find((queue) => queue.name === QUEUES.attribution)?.counts).toMatchObject({
        waiting: 1,
      });
    });

    it.each([
      ['PUT', `/queues/api/queues/${QUEUES.attribution}/pause`],
      ['PUT', `/queues/api/queues/${QUEUES.attribution}/empty`],
      ['PUT', '/queues/api/queues/pause'],
      ['POST', `/queues/api/queues/${QUEUES.attribution}/add`],
    ])('refuses %s %s with 405 and changes nothing', async (method, path) => {
      const response = await fetch(`${apps.gatewayUrl}${path}`, {
        method,
        headers: { ...headers('bearer'), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'attribute', data: {}, options: {} }),
      });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect(await response.json()).toMatchObject({ code: 'QUEUE_DASHBOARD_READ_ONLY' });
      expect(await attribution.isPaused()).toBe(false);
      expect(await attribution.getJobCounts('waiting')).toEqual({ waiting: 1 });
    });

    it('asks for the key before it says anything about read-only mode', async () => {
      const response = await fetch(`${apps.gatewayUrl}/queues/api/queues/pause`, { method: 'PUT' });
      expect(response.status).toBe(401);
    });
  });

  describe('read-write (QUEUE_DASHBOARD=read-write)', () => {
    let apps: Apps;

    beforeAll(async () => {
      apps = await startApps(
        'queue dashboard read-write',
        {},
        { patch: (config) => ({ ...config, admin: { ...config.admin, queueDashboard: 'read-write' } }) },
      );
    });

    afterAll(async () => {
      await apps?.close();
    });

    it('lets an admin pause and resume a queue, and still asks for the key', async () => {
      const queue = apps.gateway.get(QueueSet).partitionsOf(QUEUES.deliveryRetry)[0];
      const url = `${apps.gatewayUrl}/queues/api/queues/${QUEUES.deliveryRetry}`;
      expect((await fetch(`${url}/pause`, { method: 'PUT' })).status).toBe(401);

      const paused = await fetch(`${url}/pause`, { method: 'PUT', headers: headers('x-api-key') });
      expect(paused.status).toBe(200);
      expect(await queue.isPaused()).toBe(true);

      const resumed = await fetch(`${url}/resume`, { method: 'PUT', headers: headers('x-api-key') });
      expect(resumed.status).toBe(200);
      expect(await queue.isPaused()).toBe(false);
    });
  });

  describe('off (QUEUE_DASHBOARD=off)', () => {
    let apps: Apps;

    beforeAll(async () => {
      apps = await startApps(
        'queue dashboard off',
        {},
        { patch: (config) => ({ ...config, admin: { ...config.admin, queueDashboard: 'off' } }) },
      );
    });

    afterAll(async () => {
      await apps?.close();
    });

    it('serves nothing at /queues', async () => {
      const response = await fetch(`${apps.gatewayUrl}/queues`, { headers: headers('bearer') });
      expect(response.status).toBe(404);
      expect(
        (await fetch(`${apps.gatewayUrl}/queues/api/queues`, { headers: headers('bearer') })).status,
      ).toBe(404);
    });
  });
});
