import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { type Campaign, Relay } from '../e2e/relay.fixture';

const json = { 'content-type': 'application/json' };

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

interface PostbackView {
  outcome: string;
  rejectReason?: string;
  params: Record<string, string>;
}

describe('hostile input at the gateway (security review items 5, 6, 8, 9, 11, 12)', () => {
  let relay: Relay;
  let campaign: Campaign;

  const postbacks = async (): Promise<PostbackView[]> =>
    (
      await relay.admin<{ items: PostbackView[] }>(
        'GET',
        `/api/postbacks?advertiserId=${campaign.advertiserId}&limit=200`,
      )
    ).items;

  beforeAll(async () => {
    relay = await Relay.start('security-hostile', {}, { worker: false });
    campaign = await relay.campaign({ endpoints: [{ url: 'https://partner.example/pb?c={ext_click_id}' }] });
  });
  afterAll(() => relay?.close());

  describe('deeply nested JSON (item 5)', () => {
    it('answers 400 JSON_TOO_DEEP to a postback nested 5,000 levels, and stores its refusal safely', async () => {
      const answer = await relay.http('POST', `/postback/${campaign.token}`, {
        body: `{"click_id":"c-deep","x":${nested(5000)}}`,
        headers: json,
      });
      expect({ status: answer.status, code: (answer.body as { code: string }).code }).toEqual({
        status: 400,
        code: 'JSON_TOO_DEEP',
      });
      expect((await postbacks()).find((p) => p.rejectReason === 'JSON_TOO_DEEP')).toMatchObject({
        outcome: 'rejected',
      });
    });

    it('answers 400 INVALID_JSON_SHAPE to a postback nested a few levels (stored with the nested text)', async () => {
      const answer = await relay.http('POST', `/postback/${campaign.token}`, {
        body: `{"click_id":"c-shallow","x":${nested(20)}}`,
        headers: json,
      });
      expect(answer.body).toMatchObject({ code: 'INVALID_JSON_SHAPE', param: 'x' });
      const stored = (await postbacks()).find((p) => p.params.click_id === 'c-shallow');
      expect(stored?.params.x).toBe(nested(20));
    });

    it('answers 400 JSON_TOO_DEEP to an admin paramMap nested 5,000 levels', async () => {
      const answer = await relay.http('POST', '/api/advertisers', {
        admin: true,
        body: `{"name":"Deep","paramMap":${nested(5000)}}`,
        headers: json,
      });
      expect({ status: answer.status, code: (answer.body as { code: string }).code }).toEqual({
        status: 400,
        code: 'JSON_TOO_DEEP',
      });
    });

    it('lets admin JSON nested 32 levels through to validation', async () => {
      const answer = await relay.http('POST', '/api/advertisers', {
        admin: true,
        body: `{"name":"Deepish","paramMap":${nested(31)}}`,
        headers: json,
      });
      expect(answer.status).toBe(400);
      expect((answer.body as { code: string }).code).not.toBe('JSON_TOO_DEEP');
    });
  });

  it('applies the 64 KiB intake limit to a percent-encoded path (item 6)', async () => {
    const before = (await postbacks()).length;
    const answer = await relay.http('POST', `/%70ostback/${campaign.token}`, {
      body: `click_id=c-enc&x=${'z'.repeat(1_900_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect({ status: answer.status, code: (answer.body as { code: string }).code }).toEqual({
      status: 413,
      code: 'BODY_TOO_LARGE',
    });
    expect((await postbacks()).length).toBe(before);
  });

  it('applies the 64 KiB limit to a chunked body on an encoded path too', async () => {
    const answer = await relay.http('POST', `/%70ostback/${campaign.token}`, {
      body: new Blob([`click_id=c-enc&x=${'z'.repeat(200_000)}`]).stream(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status).toBe(413);
  });

  it('answers HEAD on the intake and on /click with 405 and stores nothing (item 8)', async () => {
    const clicks = () =>
      relay.gateway.get<Connection>(getConnectionToken()).collection('clicks').countDocuments();
    const before = { postbacks: (await postbacks()).length, clicks: await clicks() };
    const head = await relay.http('HEAD', `/postback/${campaign.token}?click_id=c-head`);
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('GET, POST');
    const click = await relay.http(
      'HEAD',
      `/click?offer_id=${campaign.offerId}&source_id=${campaign.sourceId}`,
    );
    expect(click.status).toBe(405);
    expect({ postbacks: (await postbacks()).length, clicks: await clicks() }).toEqual(before);
    // GET still works on both.
    expect((await relay.http('GET', `/postback/${campaign.token}?click_id=c-head`)).status).toBe(200);
    expect(await relay.click(campaign)).toMatchObject({ clickId: expect.any(String) });
  });

  it('refuses a JSON key sent twice with different values like a repeated query parameter (item 9)', async () => {
    const answer = await relay.http('POST', `/postback/${campaign.token}`, {
      body: '{"click_id":"a1","click_id":"a2"}',
      headers: json,
    });
    expect({ status: answer.status, body: answer.body }).toMatchObject({
      status: 400,
      body: { code: 'DUPLICATE_PARAMETER', param: 'click_id' },
    });
    const same = await relay.http('POST', `/postback/${campaign.token}`, {
      body: '{"click_id":"a1","click_id":"a1"}',
      headers: json,
    });
    expect(same.status).toBe(200);
  });

  it('refuses a repeated key in an admin body', async () => {
    const answer = await relay.http('POST', '/api/advertisers', {
      admin: true,
      body: '{"name":"A","name":"B"}',
      headers: json,
    });
    expect(answer.body).toMatchObject({ code: 'DUPLICATE_JSON_KEY', param: 'name' });
  });

  it('checks the admin key before reading an admin body (item 11)', async () => {
    const malformed = await relay.http('POST', '/api/advertisers', { body: '{"name":', headers: json });
    expect({ status: malformed.status, code: (malformed.body as { code: string }).code }).toEqual({
      status: 401,
      code: 'UNAUTHORIZED',
    });
    const big = await relay.http('POST', '/api/clicks', {
      body: `{"clicks":[${'"x",'.repeat(400_000)}"x"]}`,
      headers: json,
    });
    expect(big.status).toBe(401);
  });

  it.each(['<clickid>', '{}', '{', '$', '[', '%%', '-', '#sub#'])(
    'refuses the placeholder-looking click id %p with INVALID_CLICK_ID (item 12)',
    async (clickId) => {
      const answer = await relay.http(
        'GET',
        `/postback/${campaign.token}?click_id=${encodeURIComponent(clickId)}`,
      );
      expect({ status: answer.status, body: answer.body }).toMatchObject({
        status: 400,
        body: { code: 'INVALID_CLICK_ID', param: 'click_id' },
      });
    },
  );

  it('still accepts real click ids of every common shape', async () => {
    for (const clickId of [
      'c7Hq2LmN0pRs4TuV6wXy8z',
      '550e8400-e29b-41d4-a716-446655440000',
      'Cj0KCQiA_gclid.like~id',
      '42',
    ]) {
      const answer = await relay.http(
        'GET',
        `/postback/${campaign.token}?click_id=${encodeURIComponent(clickId)}`,
      );
      expect({ clickId, status: answer.status }).toEqual({ clickId, status: 200 });
    }
  });
});
