import { Relay, type Campaign, type PostbackMethod } from './relay.fixture';

const endpoint = (receiverUrl: string, path: string, extra: Record<string, unknown> = {}) => ({
  url: `${receiverUrl}${path}?visitor_id={ext_click_id}&payout={payout}&status={status}&txid={txid}&event={event}`,
  method: 'GET',
  ...extra,
});

describe('the relay end to end: click → postback → attribution → forwarded postback', () => {
  let relay: Relay;
  beforeAll(async () => {
    relay = await Relay.start('e2e-relay');
  });
  afterAll(() => relay?.close());

  it('redirects a click with the minted click id and URL-encoded subs, and stores the click', async () => {
    const campaign = await relay.campaign({ endpoints: [] });
    const { clickId, location } = await relay.click(campaign, { ext_click_id: 'src-1', sub1: 'a b&c=d/é' });
    expect(clickId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(location.origin + location.pathname).toBe('https://offer.example.com/lp');
    expect(location.search).toContain('s1=a%20b%26c%3Dd%2F%C3%A9');
    expect(location.searchParams.get('s1')).toBe('a b&c=d/é');
    const stored = await relay.admin<Record<string, unknown>>('GET', `/api/clicks/${clickId}`);
    expect(stored).toMatchObject({ clickId, extClickId: 'src-1', sub1: 'a b&c=d/é' });
  });

  const networks: Array<{
    name: string;
    advertiser?: Record<string, unknown>;
    params: (clickId: string, txid: string) => Record<string, string>;
  }> = [
    { name: 'Voluum cid/payout/txid', params: (c, t) => ({ cid: c, payout: '12.5', txid: t }) },
    {
      name: 'Binom cnv_id/payout/cnv_status',
      params: (c, t) => ({ cnv_id: c, payout: '12.50', cnv_status: 'approved', txid: t }),
    },
    {
      name: 'Keitaro subid/tid/status/payout',
      params: (c, t) => ({ subid: c, tid: t, status: 'sale', payout: '12.500' }),
    },
    {
      name: 'Everflow transaction_id/amount via paramMap',
      advertiser: { paramMap: { clickId: ['transaction_id'], txid: ['order_id'] } },
      params: (c, t) => ({ transaction_id: c, amount: '12.50', order_id: t }),
    },
    {
      name: 'Affise clickid/sum/status=1 via statusMap',
      advertiser: { statusMap: { '1': 'approved', '2': 'pending', '3': 'rejected' } },
      params: (c, t) => ({ clickid: c, sum: '12.50', status: '1', txid: t }),
    },
  ];
  const methods: PostbackMethod[] = ['GET', 'form', 'json'];
  const shapes = networks.flatMap((network) => methods.map((method) => ({ ...network, method })));

  it.each(shapes)(
    'attributes and forwards a $name postback sent as $method',
    async ({ advertiser, params, method, name }) => {
      const campaign = await relay.campaign({
        advertiser,
        endpoints: [endpoint(relay.receiver.url, '/shape')],
      });
      const ext = `ext-${name.split(' ')[0]}-${method}`;
      const { clickId } = await relay.click(campaign, { ext_click_id: ext });
      const txid = `TX-${ext}`;
      const answer = await relay.postback(campaign.token, params(clickId, txid), method);
      expect(answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
      const request = await relay.forwarded((r) => Relay.query(r).get('visitor_id') === ext);
      expect(Object.fromEntries(Relay.query(request))).toEqual({
        visitor_id: ext,
        payout: '12.50',
        status: 'approved',
        txid,
        event: 'conversion',
      });
    },
  );

  it('encodes &, +, spaces, non-ASCII and 500-character subs exactly in a forwarded URL', async () => {
    const campaign = await relay.campaign({
      endpoints: [
        { url: `${relay.receiver.url}/conversion.php?visitor_id={ext_click_id}&payout={payout}&s={sub1}` },
      ],
    });
    const ext = 'vis&id+1 2/é日本';
    const sub1 = 'x&y+z é'.repeat(80).slice(0, 500);
    expect(sub1).toHaveLength(500);
    const { clickId } = await relay.click(campaign, { ext_click_id: ext, sub1 });
    await relay.postback(campaign.token, { cid: clickId, payout: '7.25' });
    const request = await relay.forwarded(
      (r) => r.path.startsWith('/conversion.php') && Relay.query(r).get('visitor_id') === ext,
    );
    expect(Relay.query(request).get('payout')).toBe('7.25');
    expect(Relay.query(request).get('s')).toBe(sub1);
    expect(request.path).toContain('visitor_id=vis%26id%2B1%202%2F%C3%A9%E6%97%A5%E6%9C%AC');
  });

  it('sends a correctly escaped JSON body to a POST endpoint, with an Idempotency-Key', async () => {
    const campaign = await relay.campaign({
      endpoints: [
        {
          url: `${relay.receiver.url}/json`,
          method: 'POST',
          bodyFormat: 'json',
          bodyTemplate: '{"click":"{ext_click_id}","payout":{payout},"note":"{sub1}","status":"{status}"}',
        },
      ],
    });
    const sub1 = 'say "hi" \\ back ünï';
    const { clickId } = await relay.click(campaign, { ext_click_id: 'json-1', sub1 });
    await relay.postback(campaign.token, { cid: clickId, payout: '0.30' });
    const request = await relay.forwarded((r) => r.path === '/json' && r.body.includes('json-1'));
    expect(JSON.parse(request.body)).toEqual({
      click: 'json-1',
      payout: 0.3,
      note: sub1,
      status: 'approved',
    });
    expect(request.headers['content-type']).toMatch(/application\/json/);
    expect(request.headers['idempotency-key']).toMatch(/^[0-9a-f]{24}$/);
  });

  it('turns 100 concurrent identical postbacks into exactly one conversion and one forward', async () => {
    const campaign = await relay.campaign({ endpoints: [endpoint(relay.receiver.url, '/burst')] });
    const { clickId } = await relay.click(campaign, { ext_click_id: 'burst-1' });
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        relay.postback(campaign.token, { cid: clickId, payout: '3', txid: 'BURST' }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await relay.forwarded((r) => Relay.query(r).get('visitor_id') === 'burst-1');
    const conversions = await relay.conversionsOfClick(clickId);
    expect(conversions).toHaveLength(1);
    const deliveries = await relay.deliveriesOf(String(conversions[0].id));
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].state).toBe('delivered');
    expect(
      relay.receiver.requests.filter((r) => Relay.query(r).get('visitor_id') === 'burst-1'),
    ).toHaveLength(1);
  });

  describe('status changes', () => {
    let campaign: Campaign;
    let clickId: string;
    const forwards = (path: string) =>
      relay.receiver.requests.filter(
        (r) => r.path.startsWith(path) && Relay.query(r).get('visitor_id') === 'status-1',
      );

    beforeAll(async () => {
      campaign = await relay.campaign({
        endpoints: [
          endpoint(relay.receiver.url, '/approved-only', { statuses: ['approved'] }),
          endpoint(relay.receiver.url, '/reversals', { statuses: ['rejected'] }),
        ],
      });
      ({ clickId } = await relay.click(campaign, { ext_click_id: 'status-1' }));
    });

    it('forwards pending → approved once to an approved-only endpoint', async () => {
      const pending = await relay.postback(campaign.token, {
        cid: clickId,
        status: 'pending',
        txid: 'S1',
        payout: '5',
      });
      await relay.waitForPostbackOutcome(String(pending.body.postbackId), 'attributed');
      const approved = await relay.postback(campaign.token, {
        cid: clickId,
        status: 'approved',
        txid: 'S1',
        payout: '5',
      });
      await relay.waitForPostbackOutcome(String(approved.body.postbackId), 'attributed');
      const again = await relay.postback(campaign.token, {
        cid: clickId,
        status: 'approved',
        txid: 'S1',
        payout: '5',
      });
      await relay.waitForPostbackOutcome(String(again.body.postbackId), 'duplicate');
      await relay.forwarded(
        (r) => r.path.startsWith('/approved-only') && Relay.query(r).get('visitor_id') === 'status-1',
      );
      expect(forwards('/approved-only')).toHaveLength(1);
      expect(forwards('/reversals')).toHaveLength(0);
    });

    it('sends approved → rejected as a reversal to the endpoint that listens for rejected', async () => {
      const rejected = await relay.postback(campaign.token, {
        cid: clickId,
        status: 'chargeback',
        txid: 'S1',
      });
      await relay.waitForPostbackOutcome(String(rejected.body.postbackId), 'attributed');
      const reversal = await relay.forwarded((r) => r.path.startsWith('/reversals'));
      expect(Relay.query(reversal).get('status')).toBe('rejected');
      expect(forwards('/approved-only')).toHaveLength(1);
    });

    it('refuses rejected → approved with a reason', async () => {
      const back = await relay.postback(campaign.token, { cid: clickId, status: 'approved', txid: 'S1' });
      const postback = await relay.waitForPostbackOutcome(String(back.body.postbackId), 'rejected');
      expect(postback.rejectReason).toBe('INVALID_TRANSITION');
      const [conversion] = await relay.conversionsOfClick(clickId);
      expect(conversion.status).toBe('rejected');
    });
  });

  it('makes two events on one click two conversions, and two deposits with distinct txids two more', async () => {
    const campaign = await relay.campaign({
      endpoints: [endpoint(relay.receiver.url, '/events', { events: ['*'] })],
    });
    const { clickId } = await relay.click(campaign, { ext_click_id: 'events-1' });
    const postbacks: Array<Record<string, string>> = [
      { event: 'registration' },
      { event: 'ftd', payout: '50' },
      { event: 'deposit', txid: 'DEP-1', payout: '20' },
      { event: 'deposit', txid: 'DEP-2', payout: '30' },
    ];
    for (const params of postbacks) {
      const answer = await relay.postback(campaign.token, { cid: clickId, ...params });
      await relay.waitForPostbackOutcome(String(answer.body.postbackId), 'attributed');
    }
    const conversions = await relay.conversionsOfClick(clickId);
    expect(
      conversions.map((c) => `${String(c.event)}:${typeof c.txid === 'string' ? c.txid : ''}`).sort(),
    ).toEqual(['deposit:DEP-1', 'deposit:DEP-2', 'ftd:', 'registration:']);
  });

  it('parks a postback for an unknown click and forwards it once the click is registered', async () => {
    const campaign = await relay.campaign({ endpoints: [endpoint(relay.receiver.url, '/late')] });
    const clickId = 'ext-tracker-click-0001';
    const answer = await relay.postback(campaign.token, { cid: clickId, payout: '9.99', txid: 'LATE' });
    expect(answer.status).toBe(200);
    await relay.admin('POST', '/api/clicks', {
      clickId,
      offerId: campaign.offerId,
      sourceId: campaign.sourceId,
      extClickId: 'late-visitor',
    });
    const request = await relay.forwarded((r) => r.path.startsWith('/late'));
    expect(Relay.query(request).get('visitor_id')).toBe('late-visitor');
    expect(Relay.query(request).get('payout')).toBe('9.99');
    await relay.waitForPostbackOutcome(String(answer.body.postbackId), 'attributed');
  });
});
