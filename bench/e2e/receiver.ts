/**
 * The traffic source's endpoint in the end-to-end benchmark, run in its own process:
 * `receiver.ts <port>`. Answers every request 200 "ok" on kept-alive connections and records, per
 * request, the `cid` query parameter (the ext click id the forward carries) and when it arrived
 * (`performance.timeOrigin + performance.now()`, epoch ms with sub-ms resolution, comparable with the
 * load generator's clock).
 *
 * Ids look like `<group>-<n>`; records are kept per group (one group per benchmark phase) and read
 * back over a small control API on the same port:
 *
 *   GET /_bench/progress?group=G   {"unique":n,"total":m}
 *   GET /_bench/records?group=G    {"ids":[…],"times":[…]} in arrival order
 *   GET /_bench/summary            {"total":m,"unattributed":k}
 */
import { createServer, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

interface Group {
  ids: string[];
  times: number[];
  unique: Set<string>;
}

const groups = new Map<string, Group>();
let total = 0;
let unattributed = 0;

function record(cid: string | null, at: number): void {
  total += 1;
  const dash = cid ? cid.lastIndexOf('-') : -1;
  if (!cid || dash <= 0) {
    unattributed += 1;
    return;
  }
  const name = cid.slice(0, dash);
  let group = groups.get(name);
  if (!group) {
    group = { ids: [], times: [], unique: new Set() };
    groups.set(name, group);
  }
  group.ids.push(cid);
  group.times.push(at);
  group.unique.add(cid);
}

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function control(path: string, params: URLSearchParams, res: ServerResponse): void {
  const group = groups.get(params.get('group') ?? '');
  if (path === '/_bench/progress') {
    json(res, { unique: group?.unique.size ?? 0, total: group?.ids.length ?? 0 });
  } else if (path === '/_bench/records') {
    json(res, { ids: group?.ids ?? [], times: group?.times ?? [] });
  } else if (path === '/_bench/summary') {
    json(res, { total, unattributed });
  } else {
    res.writeHead(404).end();
  }
}

const server = createServer((req, res) => {
  const at = performance.timeOrigin + performance.now();
  const url = req.url ?? '/';
  const question = url.indexOf('?');
  const path = question === -1 ? url : url.slice(0, question);
  const params = new URLSearchParams(question === -1 ? '' : url.slice(question + 1));
  if (path.startsWith('/_bench/')) {
    control(path, params, res);
    return;
  }
  record(params.get('cid'), at);
  // Drain any body so the connection can be reused, then answer.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('ok');
  });
});
server.keepAliveTimeout = 60_000;

const port = Number(process.argv[2] ?? 0);
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `receiver listening on ${typeof address === 'object' && address ? address.port : port}\n`,
  );
});
