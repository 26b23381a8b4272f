/**
 * Intake and click-redirect throughput (autocannon), each next to a bare-fastify ceiling measured in the
 * same run. Starts its own redis-server and MongoDB (MONGO_URL, else the in-repo stand-in) and the real
 * gateway as a separate process, so the load generator and the server share the machine, as on the build machine.
 *
 *   npm run bench:intake                # 10 s per scenario, 50 connections
 *   BENCH_SECONDS=30 npm run bench:intake
 */
import autocannon from 'autocannon';
import { cpus, totalmem } from 'node:os';
import { freePort } from '../test/support/free-port';
import { ENTRY_POINTS, spawnEntryPoint, type SpawnedProcess } from '../test/support/processes';
import { startRedisServer } from '../test/support/redis-server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ADMIN_KEY = 'bench-admin-key-0123456789';

interface Row {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(scenario: string, url: string, expectStatus: number): Promise<Row> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, pipelining: 1 });
  const unexpected = expectStatus === 302 ? result['3xx'] === 0 : false;
  if (unexpected) throw new Error(`${scenario}: no ${expectStatus} answers`);
  return {
    scenario,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: expectStatus === 302 ? result.requests.total - result['3xx'] : result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function waitForOutput(process: SpawnedProcess, text: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!process.output().includes(text)) {
    if (Date.now() - started > timeoutMs) throw new Error(`no "${text}" in: ${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function admin<T>(base: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const children: SpawnedProcess[] = [];
  let mongoUrl = process.env.MONGO_URL;
  if (!mongoUrl) {
    // The stand-in gets its own process, as a real MongoDB would, so the load generator does not share
    // its event loop.
    const port = await freePort();
    const standin = spawnEntryPoint(ENTRY_POINTS.mongoStandin, {}, ['--port', String(port)]);
    children.push(standin);
    await waitForOutput(standin, 'listening');
    mongoUrl = `mongodb://127.0.0.1:${port}/ricochet_bench`;
  }
  try {
    const basePort = await freePort();
    const baseline = spawnEntryPoint('bench/fastify-baseline.ts', {}, [String(basePort)]);
    children.push(baseline);
    const gatewayPort = await freePort();
    const gateway = spawnEntryPoint(ENTRY_POINTS.gateway, {
      MONGO_URL: mongoUrl,
      REDIS_URL: redis.url,
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      ADMIN_API_KEYS: ADMIN_KEY,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    });
    children.push(gateway);
    const base = `http://127.0.0.1:${gatewayPort}`;
    await waitForHttp(`http://127.0.0.1:${basePort}/ok`);
    await waitForHttp(`${base}/health/ready`);

    const advertiser = await admin<{ id: string; postbackToken: string }>(base, '/api/advertisers', {
      name: 'Bench',
    });
    const offer = await admin<{ id: string }>(base, '/api/offers', {
      advertiserId: advertiser.id,
      name: 'Bench offer',
      url: 'https://offer.example.com/lp?cid={click_id}&s1={sub1}',
    });
    const source = await admin<{ id: string }>(base, '/api/sources', { name: 'Bench source', endpoints: [] });
    const firstClick = await fetch(
      `${base}/click?offer_id=${offer.id}&source_id=${source.id}&ext_click_id=x`,
      {
        redirect: 'manual',
      },
    );
    const clickId = new URL(firstClick.headers.get('location') ?? '').searchParams.get('cid') ?? 'missing';

    const rows: Row[] = [];
    rows.push(await load('fastify "ok" (ceiling)', `http://127.0.0.1:${basePort}/ok`, 200));
    rows.push(
      await load(
        'intake GET /postback (store + enqueue)',
        `${base}/postback/${advertiser.postbackToken}?cid=${clickId}&payout=12.50&status=approved&txid=bench`,
        200,
      ),
    );
    rows.push(await load('fastify 302 (ceiling)', `http://127.0.0.1:${basePort}/redirect`, 302));
    rows.push(
      await load(
        'click GET /click (store + 302)',
        `${base}/click?offer_id=${offer.id}&source_id=${source.id}&ext_click_id=ext123&sub1=bench`,
        302,
      ),
    );

    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    process.stdout.write(
      `\n${new Date().toISOString()} — ${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
        `Node ${process.version}, MongoDB: ${process.env.MONGO_URL ? 'MONGO_URL' : 'in-repo stand-in'}, ` +
        `${CONNECTIONS} connections, ${SECONDS} s each\n\n`,
    );
    process.stdout.write(
      '| scenario | req/s | p50 ms | p99 ms | unexpected status | errors |\n|---|---:|---:|---:|---:|---:|\n',
    );
    for (const row of rows) {
      process.stdout.write(
        `| ${row.scenario} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.non2xx} | ${row.errors} |\n`,
      );
    }
    const ratio = (a: number, b: number) => `${((a / b) * 100).toFixed(1)} %`;
    process.stdout.write(
      `\nintake = ${ratio(rows[1].rps, rows[0].rps)} of the fastify ceiling; ` +
        `click = ${ratio(rows[3].rps, rows[2].rps)} of the fastify 302 ceiling\n`,
    );
  } finally {
    for (const child of children) child.child.kill('SIGKILL');
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
