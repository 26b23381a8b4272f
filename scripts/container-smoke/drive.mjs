// The container smoke test's traffic (scripts/container-smoke.sh): one click → postback → forward through
// a running Ricochet, with nothing but Node. It starts a receiver that stands in for the traffic source's
// endpoint, seeds an advertiser, an offer and a source through the admin API, fires a click and a
// postback, and waits for the forwarded request. Exit 0 when it arrived as expected, 1 otherwise.
//
//   node scripts/container-smoke/drive.mjs --gateway http://127.0.0.1:3000 --admin-key KEY \
//     --listen 127.0.0.1 [--timeout 30]
//
// --listen is the address the receiver binds, and the one the worker must reach it at.
import { createServer } from 'node:http';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  if (index !== -1 && index + 1 < args.length) return args[index + 1];
  if (fallback !== undefined) return fallback;
  throw new Error(`missing --${name}`);
};
const gateway = option('gateway').replace(/\/$/, '');
const adminKey = option('admin-key');
const listen = option('listen');
const timeoutMs = Number(option('timeout', '30')) * 1000;
const say = (line) => process.stdout.write(`    ${line}\n`);

async function main() {
  const received = [];
  let wake = () => undefined;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({ method: req.method, path: req.url, headers: req.headers, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      wake();
    });
  });
  receiver.listen(0, listen);
  await once(receiver, 'listening');
  const { port } = receiver.address();
  const receiverUrl = `http://${listen.includes(':') ? `[${listen}]` : listen}:${port}`;

  try {
    const post = async (path, body) => {
      const response = await fetch(`${gateway}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
      return JSON.parse(text);
    };
    const run = randomUUID().slice(0, 8);
    const advertiser = await post('/api/advertisers', {
      name: `Smoke Advertiser ${run}`,
      defaultCurrency: 'USD',
    });
    const offer = await post('/api/offers', {
      advertiserId: advertiser.id,
      name: `Smoke Offer ${run}`,
      url: 'https://offer.example.com/landing?click_id={click_id}&sub1={sub1}',
      payoutRule: { type: 'percent', percent: '70' },
    });
    const source = await post('/api/sources', {
      name: `Smoke Source ${run}`,
      endpoints: [
        {
          url: `${receiverUrl}/conversion?visitor_id={ext_click_id}&payout={payout}&status={status}`,
          method: 'GET',
          statuses: ['approved'],
        },
      ],
    });
    say(`seeded advertiser ${advertiser.id}, offer ${offer.id}, source ${source.id} → ${receiverUrl}`);

    const extClickId = `smoke-${run}`;
    const click = await fetch(
      `${gateway}/click?offer_id=${offer.id}&source_id=${source.id}&ext_click_id=${extClickId}&sub1=smoke`,
      { redirect: 'manual' },
    );
    const location = click.headers.get('location') ?? '';
    const clickId = location ? new URL(location).searchParams.get('click_id') : null;
    if (click.status !== 302 || !clickId) {
      throw new Error(`click: expected a 302 with a click_id, got ${click.status} ${location}`);
    }
    say(`click → ${click.status}, click_id ${clickId}`);

    const sentAt = Date.now();
    const postback = await fetch(
      `${gateway}/postback/${advertiser.postbackToken}?cid=${clickId}&payout=12.50&status=approved&txid=SMOKE-${run}`,
    );
    const postbackBody = await postback.text();
    if (postback.status !== 200)
      throw new Error(`postback: expected 200, got ${postback.status} ${postbackBody}`);
    say(`postback → ${postback.status} ${postbackBody.slice(0, 120)}`);

    const deadline = sentAt + timeoutMs;
    while (received.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.min(500, Math.max(0, deadline - Date.now())));
      });
    }
    if (received.length === 0)
      throw new Error(`no forwarded request reached ${receiverUrl} within ${timeoutMs / 1000} s`);
    const forwarded = received[0];
    const query = new URL(forwarded.path, receiverUrl).searchParams;
    if (query.get('visitor_id') !== extClickId || query.get('status') !== 'approved') {
      throw new Error(`forwarded request has the wrong parameters: ${forwarded.method} ${forwarded.path}`);
    }
    say(`forward → ${forwarded.method} ${forwarded.path} (${forwarded.at - sentAt} ms after the postback)`);
  } finally {
    receiver.close();
    receiver.closeAllConnections?.();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`    FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
