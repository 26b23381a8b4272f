import { type Campaign, Relay } from './relay.fixture';

interface Case {
  name: string;
  status: number;
  code: string;
  param?: string;
  send: (relay: Relay, campaign: Campaign, clickId: string) => Promise<{ status: number; body: unknown }>;
}

const json = { 'content-type': 'application/json' };
const get = (path: string) => (relay: Relay) => relay.http('GET', path);
const pb = (params: (clickId: string) => string) => (relay: Relay, campaign: Campaign, clickId: string) =>
  relay.http('GET', `/postback/${campaign.token}?${params(clickId)}`);
const postPb =
  (contentType: string, body: (clickId: string) => string) =>
  (relay: Relay, campaign: Campaign, clickId: string) =>
    relay.http('POST', `/postback/${campaign.token}`, {
      body: body(clickId),
      headers: { 'content-type': contentType },
    });
const adminPost =
  (path: string, body: (campaign: Campaign) => unknown, key = true) =>
  (relay: Relay, campaign: Campaign) =>
    relay.http('POST', path, { admin: key, body: JSON.stringify(body(campaign)), headers: json });
const endpointWith = (url: string) => () => ({ name: 'S', endpoints: [{ url }] });
const offerWith = (fields: Record<string, unknown>) => (c: Campaign) => ({
  advertiserId: c.advertiserId,
  name: 'O',
  url: 'https://offer.example.com/?c={click_id}',
  ...fields,
});

const CASES: Case[] = [
  // postback intake: parameters
  { name: 'no click id', status: 400, code: 'MISSING_CLICK_ID', send: pb(() => 'payout=1') },
  { name: 'empty click id', status: 400, code: 'MISSING_CLICK_ID', send: pb(() => 'cid=&payout=1') },
  {
    name: 'payout 12,5',
    status: 400,
    code: 'INVALID_PAYOUT',
    param: 'payout',
    send: pb((c) => `cid=${c}&payout=12,5`),
  },
  { name: 'payout 1e309', status: 400, code: 'INVALID_PAYOUT', send: pb((c) => `cid=${c}&payout=1e309`) },
  { name: 'payout NaN', status: 400, code: 'INVALID_PAYOUT', send: pb((c) => `cid=${c}&payout=NaN`) },
  {
    name: 'payout Infinity',
    status: 400,
    code: 'INVALID_PAYOUT',
    send: pb((c) => `cid=${c}&payout=Infinity`),
  },
  { name: 'negative payout', status: 400, code: 'INVALID_PAYOUT', send: pb((c) => `cid=${c}&payout=-5`) },
  { name: 'hex payout', status: 400, code: 'INVALID_PAYOUT', send: pb((c) => `cid=${c}&payout=0x10`) },
  {
    name: 'payout as word',
    status: 400,
    code: 'INVALID_PAYOUT',
    param: 'sum',
    send: pb((c) => `cid=${c}&sum=ten`),
  },
  {
    name: 'unknown status',
    status: 400,
    code: 'UNKNOWN_STATUS',
    param: 'status',
    send: pb((c) => `cid=${c}&status=maybe`),
  },
  { name: 'currency EURO', status: 400, code: 'INVALID_CURRENCY', send: pb((c) => `cid=${c}&currency=EURO`) },
  { name: 'currency XYZ', status: 400, code: 'INVALID_CURRENCY', send: pb((c) => `cid=${c}&currency=XYZ`) },
  {
    name: 'payout twice, different',
    status: 400,
    code: 'DUPLICATE_PARAMETER',
    send: pb((c) => `cid=${c}&payout=1&payout=2`),
  },
  {
    name: 'two click-id aliases differ',
    status: 400,
    code: 'DUPLICATE_PARAMETER',
    send: pb((c) => `cid=${c}&click_id=other`),
  },
  {
    name: '200-char click id',
    status: 400,
    code: 'INVALID_CLICK_ID',
    send: pb(() => `cid=${'a'.repeat(200)}`),
  },
  {
    name: 'unexpanded {clickid}',
    status: 400,
    code: 'INVALID_CLICK_ID',
    send: pb(() => 'cid=%7Bclickid%7D'),
  },
  {
    name: 'unexpanded ${SUBID}',
    status: 400,
    code: 'INVALID_CLICK_ID',
    send: pb(() => 'cid=%24%7BSUBID%7D'),
  },
  {
    name: '200-char txid',
    status: 400,
    code: 'INVALID_TXID',
    send: pb((c) => `cid=${c}&txid=${'t'.repeat(200)}`),
  },
  {
    name: 'event with spaces',
    status: 400,
    code: 'INVALID_EVENT',
    send: pb((c) => `cid=${c}&event=first%20deposit`),
  },
  {
    name: '3000-char value',
    status: 400,
    code: 'PARAMETER_TOO_LONG',
    send: pb((c) => `cid=${c}&note=${'n'.repeat(3000)}`),
  },
  {
    name: '101 parameters',
    status: 413,
    code: 'TOO_MANY_PARAMETERS',
    send: pb((c) => [`cid=${c}`, ...Array.from({ length: 100 }, (_, i) => `p${i}=1`)].join('&')),
  },
  {
    name: 'URL over 8 KiB',
    status: 414,
    code: 'URI_TOO_LONG',
    send: pb((c) => `cid=${c}&x=${'y'.repeat(8300)}`),
  },
  // postback intake: authentication
  {
    name: 'wrong token in path',
    status: 401,
    code: 'INVALID_TOKEN',
    send: get('/postback/not-a-real-token?cid=x'),
  },
  { name: 'no token', status: 401, code: 'INVALID_TOKEN', send: get('/postback?cid=x') },
  { name: 'wrong token= param', status: 401, code: 'INVALID_TOKEN', send: get('/postback?token=nope&cid=x') },
  // postback intake: bodies
  { name: 'bad JSON', status: 400, code: 'INVALID_JSON', send: postPb('application/json', () => '{"cid": ') },
  {
    name: 'nested JSON',
    status: 400,
    code: 'INVALID_JSON_SHAPE',
    send: postPb('application/json', (c) => `{"cid":"${c}","x":{"y":1}}`),
  },
  {
    name: 'body over 64 KiB',
    status: 413,
    code: 'BODY_TOO_LARGE',
    send: postPb('application/x-www-form-urlencoded', (c) => `cid=${c}&x=${'z'.repeat(70_000)}`),
  },
  {
    name: 'chunked body over 64 KiB',
    status: 413,
    code: 'BODY_TOO_LARGE',
    send: (relay, c, clickId) =>
      relay.http('POST', `/postback/${c.token}`, {
        // A streamed body has no Content-Length: the limit is counted on the bytes.
        body: new Blob([`cid=${clickId}&x=${'z'.repeat(70_000)}`]).stream(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
  },
  {
    name: 'text/plain body',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: postPb('text/plain', (c) => `cid=${c}`),
  },
  // clicks
  {
    name: 'click without offer_id',
    status: 400,
    code: 'MISSING_OFFER_ID',
    send: get('/click?source_id=665f1c2e8b3d4a0012345678'),
  },
  {
    name: 'click with a malformed offer_id',
    status: 400,
    code: 'INVALID_OFFER_ID',
    send: get('/click?offer_id=abc&source_id=665f1c2e8b3d4a0012345678'),
  },
  {
    name: 'click for an unknown offer',
    status: 404,
    code: 'OFFER_NOT_FOUND',
    send: (relay, c) => relay.http('GET', `/click?offer_id=665f1c2e8b3d4a0012345678&source_id=${c.sourceId}`),
  },
  {
    name: 'click for an unknown source',
    status: 404,
    code: 'SOURCE_NOT_FOUND',
    send: (relay, c) => relay.http('GET', `/click?offer_id=${c.offerId}&source_id=665f1c2e8b3d4a0012345678`),
  },
  {
    name: 'click with sub1 twice',
    status: 400,
    code: 'INVALID_SUB',
    send: (relay, c) =>
      relay.http('GET', `/click?offer_id=${c.offerId}&source_id=${c.sourceId}&sub1=a&sub1=b`),
  },
  // admin: templates refused at save time
  {
    name: 'offer URL with {clikid}',
    status: 400,
    code: 'UNKNOWN_MACRO',
    send: adminPost('/api/offers', offerWith({ url: 'https://o.example.com/?c={clikid}' })),
  },
  {
    name: 'offer URL with ${SUBID}',
    status: 400,
    code: 'FOREIGN_MACRO_SYNTAX',
    send: adminPost('/api/offers', offerWith({ url: 'https://o.example.com/?c=${SUBID}' })),
  },
  {
    name: 'endpoint with [clickid]',
    status: 400,
    code: 'FOREIGN_MACRO_SYNTAX',
    send: adminPost('/api/sources', endpointWith('https://t.example.com/pb?c=[clickid]')),
  },
  {
    name: 'endpoint with #s2#',
    status: 400,
    code: 'FOREIGN_MACRO_SYNTAX',
    send: adminPost('/api/sources', endpointWith('https://t.example.com/pb?c=#s2#')),
  },
  {
    name: 'endpoint with %x%',
    status: 400,
    code: 'FOREIGN_MACRO_SYNTAX',
    send: adminPost('/api/sources', endpointWith('https://t.example.com/pb?c=%subid%')),
  },
  {
    name: 'endpoint with ftp://',
    status: 400,
    code: 'INVALID_URL_TEMPLATE',
    send: adminPost('/api/sources', endpointWith('ftp://t.example.com/{click_id}')),
  },
  // admin: other bad input
  {
    name: 'offer revenue 12,5',
    status: 400,
    code: 'VALIDATION_FAILED',
    param: 'defaultRevenue',
    send: adminPost('/api/offers', offerWith({ defaultRevenue: '12,5' })),
  },
  {
    name: 'offer for an unknown advertiser',
    status: 404,
    code: 'ADVERTISER_NOT_FOUND',
    send: adminPost('/api/offers', () => ({
      advertiserId: '665f1c2e8b3d4a0012345678',
      name: 'O',
      url: 'https://o.example.com/',
    })),
  },
  {
    name: 'advertiser with a bad CIDR',
    status: 400,
    code: 'INVALID_CIDR',
    send: adminPost('/api/advertisers', () => ({ name: 'A', allowedIps: ['10.0.0.0/33'] })),
  },
  {
    name: 'advertiser with an unknown field',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: adminPost('/api/advertisers', () => ({ name: 'A', colour: 'red' })),
  },
  {
    name: 'advertiser without a name',
    status: 400,
    code: 'VALIDATION_FAILED',
    param: 'name',
    send: adminPost('/api/advertisers', () => ({})),
  },
  {
    name: '1,001 clicks in one registration',
    status: 413,
    code: 'BATCH_TOO_LARGE',
    send: adminPost('/api/clicks', (c) => ({
      clicks: Array.from({ length: 1001 }, (_, i) => ({
        clickId: `bulk-${i}`,
        offerId: c.offerId,
        sourceId: c.sourceId,
      })),
    })),
  },
  {
    name: 'admin call without a key',
    status: 401,
    code: 'UNAUTHORIZED',
    send: adminPost('/api/advertisers', () => ({ name: 'A' }), false),
  },
  {
    name: 'admin call with bad JSON',
    status: 400,
    code: 'INVALID_JSON',
    send: (relay) => relay.http('POST', '/api/advertisers', { admin: true, body: '{"name":', headers: json }),
  },
  {
    name: 'list with limit=0',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: (relay) => relay.http('GET', '/api/deliveries?limit=0', { admin: true }),
  },
  {
    name: 'list with a forged cursor',
    status: 400,
    code: 'INVALID_CURSOR',
    send: (relay) => relay.http('GET', '/api/deliveries?cursor=forged', { admin: true }),
  },
];

describe('malformed requests get the documented 4xx and code, never a 5xx, and write nothing half-way', () => {
  let relay: Relay;
  let campaign: Campaign;
  let clickId: string;
  let countsBefore: Record<string, number>;

  const counts = async (): Promise<Record<string, number>> => {
    const size = async (path: string) =>
      (await relay.admin<{ items: unknown[] }>('GET', `${path}${path.includes('?') ? '&' : '?'}limit=200`))
        .items.length;
    return {
      advertisers: await size('/api/advertisers'),
      offers: await size('/api/offers'),
      sources: await size('/api/sources'),
      conversions: await size('/api/conversions'),
      deliveries: await size('/api/deliveries'),
      acceptedPostbacks: await size('/api/postbacks?outcome=accepted'),
      attributedPostbacks: await size('/api/postbacks?outcome=attributed'),
    };
  };

  beforeAll(async () => {
    relay = await Relay.start('e2e-malformed');
    campaign = await relay.campaign({ endpoints: [{ url: `${relay.receiver.url}/pb?c={ext_click_id}` }] });
    ({ clickId } = await relay.click(campaign, { ext_click_id: 'ok' }));
    countsBefore = await counts();
  });
  afterAll(() => relay?.close());

  it(`covers at least 40 malformed requests (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('$name → $status $code', async ({ send, status, code, param }) => {
    const answer = await send(relay, campaign, clickId);
    const body = answer.body as { code?: string; param?: string };
    const named = param === undefined ? {} : { param: body.param };
    expect({ status: answer.status, code: body.code, ...named }).toEqual({
      status,
      code,
      ...(param ? { param } : {}),
    });
  });

  it('left no accepted postback, conversion, delivery or entity behind', async () => {
    expect(await counts()).toEqual(countsBefore);
    expect(relay.receiver.requests).toHaveLength(0);
  });
});
