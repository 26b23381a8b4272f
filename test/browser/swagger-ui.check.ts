/**
 * `npm run check:swagger-ui`: Swagger UI as an admin uses it, in a real headless Chromium (Debian
 * `chromium`, driven over the DevTools protocol by puppeteer-core) against a running gateway.
 *
 * 1. The page renders: title, the Authorize button, the task groups in order, the key operations.
 * 2. The failure-inspection flow, by clicking and typing only: authorize with the admin key; list the
 *    dead deliveries with no filter typed (Try it out must not pre-fill any filter); open the dead one;
 *    replay it (202, pending).
 *
 * Screenshots of each step go to `SCREENSHOT_DIR` (default `artifacts/swagger-ui/`). CI runs it after the
 * tests; it is not part of `npm test` because it needs a browser.
 *
 *   CHROMIUM=/usr/bin/chromium npm run check:swagger-ui
 */
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '@ricochet/config';
import { DeliveryRepository } from '@ricochet/persistence';
import puppeteer, { type ElementHandle, type Page } from 'puppeteer-core';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { startMongoStandin } from '../mongo-standin/standin';
import { startRedisServer } from '../support/redis-server';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT_DIR = resolve(process.env.SCREENSHOT_DIR ?? 'artifacts/swagger-ui');
const ADMIN_KEY = 'swagger-check-key-0123456789';
const EXPECTED_PATHS = [
  '/api/deliveries/{id}/replay',
  '/api/clicks/{clickId}/trace',
  '/api/advertisers',
  '/postback',
];
const EXPECTED_TAGS = ['Setup', 'Live', 'Failures', 'Reports', 'Tools'];
const STEP_TIMEOUT_MS = 20_000;

/** The expanded-or-not block of one operation. */
async function operation(page: Page, method: string, path: string): Promise<ElementHandle<Element>> {
  const block = await page.waitForSelector(
    `::-p-xpath(//div[contains(@class, "opblock-${method}")][.//*[@data-path="${path}"]])`,
    { timeout: STEP_TIMEOUT_MS },
  );
  if (!block) throw new Error(`operation ${method.toUpperCase()} ${path} is not on the page`);
  return block;
}

/** Expands the operation and presses "Try it out"; returns its block. */
async function tryItOut(page: Page, method: string, path: string): Promise<ElementHandle<Element>> {
  const block = await operation(page, method, path);
  await (await block.waitForSelector('.opblock-summary-control'))!.click();
  await (await block.waitForSelector('button.try-out__btn', { timeout: STEP_TIMEOUT_MS }))!.click();
  await block.waitForSelector('button.execute', { timeout: STEP_TIMEOUT_MS });
  return block;
}

/** Presses Execute and waits for the live response; returns its status code and body text. */
async function execute(block: ElementHandle<Element>): Promise<{ status: number; body: string }> {
  await (await block.$('button.execute'))!.click();
  const row = await block.waitForSelector('.live-responses-table .response', { timeout: STEP_TIMEOUT_MS });
  const status = Number(await row!.$eval('.response-col_status', (cell) => cell.textContent?.trim()));
  const body = await row!.$eval('.response-col_description', (cell) => cell.textContent ?? '');
  return { status, body };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}

async function main(): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const redis = await startRedisServer();
  const mongo = await startMongoStandin();
  const config = loadConfig({
    MONGO_URL: `${mongo.url}/swagger_ui_check`,
    REDIS_URL: redis.url,
    ADMIN_API_KEYS: ADMIN_KEY,
    LOG_LEVEL: 'silent',
  });
  const app = await createGatewayApp(config, { logger: false });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    const deadId = await seedDeadDelivery(base, app.get(DeliveryRepository));

    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1400 });
    await page.goto(`${base}/docs`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('.opblock', { timeout: STEP_TIMEOUT_MS });

    // 1. What renders.
    const problems: string[] = [];
    const title = await page.$eval('.info .title', (node) => node.textContent ?? '').catch(() => '');
    if (!title.includes('Ricochet')) problems.push('the title "Ricochet" is not rendered');
    if (!(await page.$('.btn.authorize'))) problems.push('no Authorize button (API-key security scheme)');
    const operations = (await page.$$('.opblock')).length;
    if (operations < 30) problems.push(`only ${operations} operations rendered`);
    for (const path of EXPECTED_PATHS) {
      if (!(await page.$(`[data-path="${path}"]`))) problems.push(`operation ${path} not rendered`);
    }
    const tags = await page.$$eval('.opblock-tag-section .opblock-tag', (nodes) =>
      nodes.map((node) => node.getAttribute('data-tag') ?? ''),
    );
    if (tags.slice(0, EXPECTED_TAGS.length).join() !== EXPECTED_TAGS.join())
      problems.push(`task groups are ${tags.join(', ')}; expected ${EXPECTED_TAGS.join(', ')} first`);
    await screenshot(page, '1-docs');
    if (problems.length > 0) throw new Error(`Swagger UI check failed:\n- ${problems.join('\n- ')}`);

    // 2a. Authorize with the admin key.
    await page.click('.btn.authorize');
    const keyInput = await page.waitForSelector(
      '.modal-ux input[type="text"], .modal-ux input[type="password"]',
      {
        timeout: STEP_TIMEOUT_MS,
      },
    );
    await keyInput!.type(ADMIN_KEY);
    await page.click('.modal-ux .auth-btn-wrapper button.authorize');
    await page.waitForSelector('.modal-ux button.btn-done', { timeout: STEP_TIMEOUT_MS });
    await screenshot(page, '2-authorized');
    await page.click('.modal-ux button.btn-done');

    // 2b. List dead deliveries with no filter typed: nothing may be pre-filled but the page size.
    const list = await tryItOut(page, 'get', '/api/deliveries');
    const prefilled = await list.$$eval(
      '.parameters input[type="text"], .parameters input:not([type])',
      (inputs) =>
        inputs
          .map((input) => ({
            name: input.closest('tr')?.getAttribute('data-param-name') ?? '?',
            value: input.value,
          }))
          .filter((entry) => entry.value !== '' && entry.name !== 'limit'),
    );
    if (prefilled.length > 0)
      throw new Error(`Try it out pre-fills filters: ${JSON.stringify(prefilled)} (GET /api/deliveries)`);
    const listed = await execute(list);
    await screenshot(page, '3-dead-deliveries');
    if (listed.status !== 200 || !listed.body.includes(deadId))
      throw new Error(`GET /api/deliveries answered ${listed.status} without the dead delivery ${deadId}`);

    // 2c. Open the dead delivery.
    const detail = await tryItOut(page, 'get', '/api/deliveries/{id}');
    await (await detail.waitForSelector('tr[data-param-name="id"] input'))!.type(deadId);
    const opened = await execute(detail);
    await screenshot(page, '4-dead-delivery');
    if (opened.status !== 200 || !opened.body.includes('"dead"') || !opened.body.includes('attemptLog'))
      throw new Error(`GET /api/deliveries/{id} answered ${opened.status}: ${opened.body.slice(0, 200)}`);

    // 2d. Replay it.
    const replay = await tryItOut(page, 'post', '/api/deliveries/{id}/replay');
    await (await replay.waitForSelector('tr[data-param-name="id"] input'))!.type(deadId);
    const replayed = await execute(replay);
    await screenshot(page, '5-replayed');
    if (replayed.status !== 202 || !replayed.body.includes('"pending"'))
      throw new Error(
        `POST /api/deliveries/{id}/replay answered ${replayed.status}: ${replayed.body.slice(0, 200)}`,
      );

    process.stdout.write(
      `Swagger UI in headless Chromium: ${operations} operations; authorized, listed the dead delivery ` +
        `with no filter typed, opened it and replayed it (202). Screenshots: ${SCREENSHOT_DIR}\n`,
    );
  } finally {
    await browser.close();
    await app.close();
    await mongo.stop();
    await redis.stop();
  }
}

/** A source with one endpoint (through the admin API) and one dead delivery to it. */
async function seedDeadDelivery(base: string, deliveries: DeliveryRepository): Promise<string> {
  const response = await fetch(`${base}/api/sources`, {
    method: 'POST',
    headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Push network',
      endpoints: [{ url: 'https://partner.example.com/pb?cid={ext_click_id}' }],
    }),
  });
  if (response.status !== 201) throw new Error(`seeding a source answered ${response.status}`);
  const source = (await response.json()) as { id: string; endpoints: Array<{ id: string }> };
  const created = await deliveries.createIfAbsent({
    conversionId: '665f1c2e8b3d4a0012345678',
    endpointId: source.endpoints[0].id,
    sourceId: source.id,
    status: 'approved',
  });
  if (!created.created) throw new Error('the seeded delivery already existed');
  await deliveries.markDead(created.delivery.id, { statusCode: 404, lastError: 'HTTP 404 (http_4xx)' });
  return created.delivery.id;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
