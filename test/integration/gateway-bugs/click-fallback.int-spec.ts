import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { type AdminConfigFixture, openAdminConfig } from '../admin/admin-config.fixture';

/** A paused offer's (or an unknown source's) fallback URL takes the same macros as the offer URL. */
describe('GET /click: the fallback URL has its macros expanded', () => {
  let fx: AdminConfigFixture;
  let base: string;
  let advertiserId: string;
  let sourceId: string;

  beforeAll(async () => {
    fx = await openAdminConfig('click-fallback');
    base = await fx.app.getUrl();
    advertiserId = (await fx.api('POST', '/api/advertisers', { name: 'Acme' })).body.id;
    sourceId = (await fx.api('POST', '/api/sources', { name: 'Push' })).body.id;
  });

  afterAll(async () => {
    await fx?.close();
  });

  const storedClicks = (): Promise<number> =>
    fx.app.get<Connection>(getConnectionToken()).collection('clicks').countDocuments();

  async function offer(fields: Record<string, unknown>): Promise<string> {
    const created = await fx.api('POST', '/api/offers', {
      advertiserId,
      name: 'Offer',
      url: 'https://offer.example.com/lp?c={click_id}&s1={sub1}',
      ...fields,
    });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  async function click(query: string): Promise<Response> {
    return fetch(`${base}/click?${query}`, { redirect: 'manual' });
  }

  it("redirects a paused offer's click to its fallback URL with the macros filled and URL-encoded, storing no click", async () => {
    const offerId = await offer({
      status: 'paused',
      fallbackUrl:
        'https://offer.example.com/paused?c={click_id}&s1={sub1}&s10={sub10}&ext={ext_click_id}&o={offer_id}&src={source_id}',
    });
    const before = await storedClicks();
    const response = await click(
      `offer_id=${offerId}&source_id=${sourceId}&ext_click_id=src%2F42&sub1=banner%207&sub10=x%26y`,
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(
      `https://offer.example.com/paused?c=&s1=banner%207&s10=x%26y&ext=src%2F42&o=${offerId}&src=${sourceId}`,
    );
    expect(await storedClicks()).toBe(before);
  });

  it('renders absent values of the fallback URL as empty, like the offer URL does', async () => {
    const offerId = await offer({ status: 'paused', fallbackUrl: 'https://offer.example.com/p?s2={sub2}' });
    const response = await click(`offer_id=${offerId}&source_id=${sourceId}`);
    expect(response.headers.get('location')).toBe('https://offer.example.com/p?s2=');
  });

  it('sends a click from an unknown source to the fallback URL, macros filled', async () => {
    const offerId = await offer({ fallbackUrl: 'https://offer.example.com/nosrc?src={source_id}&s1={sub1}' });
    const unknownSource = '665f1c2e8b3d4a00ffffffff';
    const response = await click(`offer_id=${offerId}&source_id=${unknownSource}&sub1=a`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(
      `https://offer.example.com/nosrc?src=${unknownSource}&s1=a`,
    );
  });

  it('still redirects an active offer to its URL with the minted click id', async () => {
    const offerId = await offer({ fallbackUrl: 'https://offer.example.com/paused?c={click_id}' });
    const response = await click(`offer_id=${offerId}&source_id=${sourceId}&sub1=s`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(
      /^https:\/\/offer\.example\.com\/lp\?c=[A-Za-z0-9_-]{22}&s1=s$/,
    );
  });
});
