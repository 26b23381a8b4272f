import { freePort } from '../support/free-port';
import { Relay } from '../e2e/relay.fixture';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('/metrics is not public on the gateway port (security review item 11)', () => {
  describe('by default', () => {
    let relay: Relay;

    beforeAll(async () => {
      relay = await Relay.start('security-metrics-default', {}, { worker: false });
    });
    afterAll(() => relay?.close());

    it('answers 404 on the public port, with or without credentials', async () => {
      const anonymous = await relay.http('GET', '/metrics');
      const withKey = await relay.http('GET', '/metrics', { admin: true });
      expect([anonymous.status, withKey.status]).toEqual([404, 404]);
      expect(JSON.stringify(anonymous.body)).not.toContain('ricochet_');
    });

    it('keeps health checks open', async () => {
      expect((await relay.http('GET', '/health/live')).status).toBe(200);
    });
  });

  describe('with METRICS_TOKEN and METRICS_PORT', () => {
    let relay: Relay;
    let metricsPort: number;

    beforeAll(async () => {
      metricsPort = await freePort();
      relay = await Relay.start(
        'security-metrics-token',
        { METRICS_TOKEN, METRICS_PORT: String(metricsPort), HOST: '127.0.0.1' },
        { worker: false },
      );
    });
    afterAll(() => relay?.close());

    it('serves the public port only to the bearer of METRICS_TOKEN', async () => {
      const anonymous = await relay.http('GET', '/metrics');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
      const wrong = await relay.http('GET', '/metrics', { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const scraped = await relay.http<string>('GET', '/metrics', {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(scraped.status).toBe(200);
      expect(scraped.body).toContain('ricochet_postback_invalid_token_total');
    });

    it('serves /metrics on its own port, with the token too, and nothing else there', async () => {
      const base = `http://127.0.0.1:${metricsPort}`;
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const scraped = await fetch(`${base}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('ricochet_postback_invalid_token_total');
      expect((await fetch(`${base}/api/advertisers`)).status).toBe(404);
      expect((await fetch(`${base}/postback/x?click_id=1`)).status).toBe(404);
    });
  });
});
