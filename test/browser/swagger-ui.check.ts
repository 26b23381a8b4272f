/**
 * `npm run check:swagger-ui`: opens Swagger UI in a real headless Chromium (Debian `chromium`) against a
 * running gateway and checks that the rendered page lists the admin operations and the API-key
 * authorisation. CI runs it after the tests; it is not part of `npm test` because it needs a browser.
 *
 *   CHROMIUM=/usr/bin/chromium npm run check:swagger-ui     # SCREENSHOT=/tmp/docs.png to keep a picture
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@ricochet/config';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { startMongoStandin } from '../mongo-standin/standin';
import { startRedisServer } from '../support/redis-server';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const EXPECTED = [
  '/api/deliveries/{id}/replay',
  '/api/clicks/{clickId}/trace',
  '/api/advertisers',
  '/postback',
];

async function chromium(args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'ricochet-chromium-'));
  try {
    const { stdout } = await run(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--virtual-time-budget=15000',
        ...args,
      ],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const mongo = await startMongoStandin();
  const config = loadConfig({
    MONGO_URL: `${mongo.url}/swagger_ui_check`,
    REDIS_URL: redis.url,
    ADMIN_API_KEYS: 'swagger-check-key-0123456789',
    LOG_LEVEL: 'silent',
  });
  const app = await createGatewayApp(config, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    const url = `${await app.getUrl()}/docs`;
    const dom = await chromium(['--dump-dom', url]);
    const problems: string[] = [];
    if (!dom.includes('swagger-ui')) problems.push('the page has no Swagger UI root');
    if (!/class="title"[^>]*>\s*Ricochet/.test(dom)) problems.push('the title "Ricochet" is not rendered');
    if (!dom.includes('btn authorize')) problems.push('no Authorize button (API-key security scheme)');
    const operations = dom.match(/class="opblock opblock-/g)?.length ?? 0;
    if (operations < 30) problems.push(`only ${operations} operations rendered`);
    for (const path of EXPECTED) {
      if (!dom.includes(`data-path="${path}"`)) problems.push(`operation ${path} not rendered`);
    }
    if (process.env.SCREENSHOT)
      await chromium([`--screenshot=${process.env.SCREENSHOT}`, '--window-size=1280,1600', url]);
    if (problems.length > 0) throw new Error(`Swagger UI check failed:\n- ${problems.join('\n- ')}`);
    process.stdout.write(`Swagger UI rendered ${operations} operations in headless Chromium: ok\n`);
  } finally {
    await app.close();
    await mongo.stop();
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
