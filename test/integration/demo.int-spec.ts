import { eventually } from '../support/config';
import { freePort } from '../support/free-port';
import { spawnEntryPoint } from '../support/processes';

describe('npm run demo', () => {
  it('runs the whole product locally, shows the forwarded postback, and stops on SIGTERM', async () => {
    const port = await freePort();
    // No MONGO_URL and no REDIS_URL: the demo brings the stand-in and spawns redis-server itself.
    const demo = spawnEntryPoint('test/demo/run-demo.ts', { PORT: String(port) });
    try {
      await eventually('the demo to be up', () => Promise.resolve(demo.output().includes('Ctrl-C to stop')), {
        timeoutMs: 60_000,
        intervalMs: 200,
      });
      const output = demo.output();
      expect(output).toContain('→ 302 Location: https://offer.example.com/landing?click_id=');
      expect(output).toContain('→ 200 {"status":"accepted"');
      // 70 % of the 12.50 payout, forwarded with the source's own click id and the URL-encoded sub.
      expect(output).toMatch(
        /GET http:\/\/127\.0\.0\.1:\d+\/conversion\.php\?visitor_id=ts-visitor-42&payout=8\.75&status=approved&s=spring%20banner/,
      );
      expect(output).toContain(`Swagger UI: http://127.0.0.1:${port}/docs`);
      const docs = await fetch(`http://127.0.0.1:${port}/docs-json`);
      expect(docs.status).toBe(200);
    } finally {
      demo.child.kill('SIGTERM');
    }
    expect(await demo.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});
