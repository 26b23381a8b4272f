import { type AdminConfigFixture, openAdminConfig } from '../admin/admin-config.fixture';

const PUBLIC_BASE_URL = 'https://track.example.com/r';

interface Setup {
  advertiser: { id: string; postbackToken: string; postbackUrlExample: string; postbackUrlNote?: string };
  offerId: string;
  sourceId: string;
}

async function setUp(fx: AdminConfigFixture): Promise<Setup> {
  const advertiser = (await fx.api('POST', '/api/advertisers', { name: 'Acme' })).body;
  const offer = await fx.api('POST', '/api/offers', {
    advertiserId: advertiser.id,
    name: 'Offer',
    url: 'https://offer.example.com/lp?c={click_id}&s1={sub1}&z={sub2}',
  });
  const source = await fx.api('POST', '/api/sources', { name: 'PushHouse' });
  return { advertiser, offerId: offer.body.id, sourceId: source.body.id };
}

/** Follows a tracking link as the traffic source would: its placeholder replaced, requested on the gateway. */
async function visit(
  fx: AdminConfigFixture,
  link: string,
  replacements: Record<string, string>,
): Promise<{ location: URL; clickId: string }> {
  let url = link;
  for (const [placeholder, value] of Object.entries(replacements)) url = url.split(placeholder).join(value);
  const target = new URL(url, 'http://relative.invalid');
  const gateway = new URL(await fx.app.getUrl());
  const path = target.pathname.replace(/^\/r(?=\/)/, ''); // the proxy prefix of PUBLIC_BASE_URL
  const response = await fetch(`${gateway.origin}${path}${target.search}`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  return { location, clickId: location.searchParams.get('c') ?? '' };
}

describe('tracking links and postback URLs with PUBLIC_BASE_URL set', () => {
  let fx: AdminConfigFixture;
  let setup: Setup;

  beforeAll(async () => {
    fx = await openAdminConfig('tracking-link-abs', { PUBLIC_BASE_URL: `${PUBLIC_BASE_URL}/` });
    setup = await setUp(fx);
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('gives the advertiser an absolute, ready-to-paste postback URL', () => {
    expect(setup.advertiser.postbackUrlExample).toBe(
      `${PUBLIC_BASE_URL}/postback/${setup.advertiser.postbackToken}?click_id={clickid}&payout={payout}&status={status}&txid={txid}`,
    );
    expect(setup.advertiser.postbackUrlNote).toBeUndefined();
  });

  it('returns an absolute link that records the click with the source click id and redirects to the offer', async () => {
    const response = await fx.api(
      'GET',
      `/api/offers/${setup.offerId}/tracking-link?sourceId=${setup.sourceId}&macro=%24%7BSUBID%7D&sub1=%7Bzoneid%7D&sub2=push`,
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      url:
        `${PUBLIC_BASE_URL}/click?offer_id=${setup.offerId}&source_id=${setup.sourceId}` +
        '&ext_click_id=${SUBID}&sub1={zoneid}&sub2=push',
      absolute: true,
      offerId: setup.offerId,
      sourceId: setup.sourceId,
      clickIdMacro: '${SUBID}',
      notes: [],
    });

    const { location, clickId } = await visit(fx, response.body.url, {
      '${SUBID}': 'src-click-777',
      '{zoneid}': 'zone-12',
    });
    expect(`${location.origin}${location.pathname}`).toBe('https://offer.example.com/lp');
    expect(clickId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(location.searchParams.get('s1')).toBe('zone-12');
    expect(location.searchParams.get('z')).toBe('push');

    const click = await fx.api('GET', `/api/clicks/${clickId}`);
    expect(click.status).toBe(200);
    expect(click.body).toMatchObject({
      clickId,
      offerId: setup.offerId,
      sourceId: setup.sourceId,
      advertiserId: setup.advertiser.id,
      extClickId: 'src-click-777',
      sub1: 'zone-12',
      sub2: 'push',
    });
  });
});

describe('tracking links without PUBLIC_BASE_URL', () => {
  let fx: AdminConfigFixture;
  let setup: Setup;

  beforeAll(async () => {
    fx = await openAdminConfig('tracking-link-rel');
    setup = await setUp(fx);
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('gives a relative postback URL and says so', () => {
    expect(setup.advertiser.postbackUrlExample).toMatch(/^\/postback\//);
    expect(setup.advertiser.postbackUrlNote).toContain('PUBLIC_BASE_URL');
  });

  it('returns a relative link with the default {clickid} placeholder, which works once prefixed', async () => {
    const response = await fx.api(
      'GET',
      `/api/offers/${setup.offerId}/tracking-link?sourceId=${setup.sourceId}`,
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      url: `/click?offer_id=${setup.offerId}&source_id=${setup.sourceId}&ext_click_id={clickid}`,
      absolute: false,
      clickIdMacro: '{clickid}',
    });
    expect(response.body.notes.join(' ')).toContain('PUBLIC_BASE_URL');

    const { clickId } = await visit(fx, response.body.url, { '{clickid}': 'abc-123' });
    expect((await fx.api('GET', `/api/clicks/${clickId}`)).body.extClickId).toBe('abc-123');
  });

  it('says when the offer is paused', async () => {
    await fx.api('PATCH', `/api/offers/${setup.offerId}`, { status: 'paused' });
    const response = await fx.api(
      'GET',
      `/api/offers/${setup.offerId}/tracking-link?sourceId=${setup.sourceId}`,
    );
    expect(response.body.notes.join(' ')).toContain('paused');
    await fx.api('PATCH', `/api/offers/${setup.offerId}`, { status: 'active' });
  });

  it.each([
    ['no sourceId', '', 400, 'VALIDATION_FAILED', 'sourceId'],
    ['a malformed sourceId', 'sourceId=nope', 400, 'VALIDATION_FAILED', 'sourceId'],
    ['an unknown source', 'sourceId=665f1c2e8b3d4a00ffffffff', 404, 'SOURCE_NOT_FOUND', 'sourceId'],
    ['a macro that breaks the URL', 'macro=%7Ba%26b%7D', 400, 'VALIDATION_FAILED', 'macro'],
    ['a sub with a space', 'sub3=a%20b', 400, 'VALIDATION_FAILED', 'sub3'],
  ])('refuses %s', async (_label, query, status, code, param) => {
    const sourceQuery =
      query.startsWith('sourceId') || query === '' ? query : `sourceId=${setup.sourceId}&${query}`;
    const response = await fx.api('GET', `/api/offers/${setup.offerId}/tracking-link?${sourceQuery}`);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ code, param });
  });

  it('answers 404 OFFER_NOT_FOUND for an unknown offer', async () => {
    const response = await fx.api(
      'GET',
      `/api/offers/665f1c2e8b3d4a00eeeeeeee/tracking-link?sourceId=${setup.sourceId}`,
    );
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'OFFER_NOT_FOUND', param: 'id' });
  });
});
