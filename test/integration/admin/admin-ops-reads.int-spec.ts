import {
  type AdminOpsFixture,
  createConversion,
  createDelivery,
  newChain,
  newId,
  openAdminOps,
} from './admin-ops.fixture';

describe('admin reads: clicks, postbacks, conversions, deliveries', () => {
  let fx: AdminOpsFixture;
  const chain = newChain();
  const otherAdvertiser = newId();

  beforeAll(async () => {
    fx = await openAdminOps('admin ops reads');
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('refuses every admin route without the API key', async () => {
    for (const path of [
      '/api/postbacks',
      '/api/conversions',
      '/api/deliveries',
      '/api/reports?groupBy=day',
    ]) {
      const response = await fx.api('GET', path, undefined, {});
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHORIZED');
    }
  });

  it('documents every admin-ops route in the OpenAPI document', async () => {
    const docs = await fx.api('GET', '/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/clicks/{clickId}',
        '/api/clicks/{clickId}/trace',
        '/api/postbacks',
        '/api/postbacks/{id}/replay',
        '/api/conversions/{id}/status',
        '/api/deliveries/replay',
        '/api/deliveries/replay/{replayId}',
        '/api/deliveries/{id}/replay',
        '/api/reports',
      ]),
    );
    expect(docs.body.components.schemas.ReportRowResponse.properties.revenue.example).toBe('125.00');
  });

  it('shows a click by its click id and 404s an unknown one', async () => {
    await fx.clicks.recordClick({ ...chain, clickId: 'read-click-1', sub1: 'campaign-7', country: 'DE' });
    const found = await fx.api('GET', '/api/clicks/read-click-1');
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ clickId: 'read-click-1', offerId: chain.offerId, sub1: 'campaign-7' });
    const missing = await fx.api('GET', '/api/clicks/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('lists postbacks by outcome and advertiser, page by page, with the token redacted', async () => {
    for (let i = 0; i < 3; i += 1) {
      await fx.postbacks.recordPostback({
        advertiserId: chain.advertiserId,
        params: { click_id: `pb-click-${i}`, payout: '12.5', token: 'secret-token' },
        method: 'GET',
        outcome: 'unattributed',
        normalized: { clickId: `pb-click-${i}`, status: 'approved', event: 'conversion', payout: 12_500_000 },
      });
    }
    await fx.postbacks.recordPostback({
      advertiserId: otherAdvertiser,
      params: { click_id: 'x' },
      method: 'GET',
      outcome: 'unattributed',
    });
    const query = `/api/postbacks?outcome=unattributed&advertiserId=${chain.advertiserId}&limit=2`;
    const first = await fx.api('GET', query);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({
      outcome: 'unattributed',
      params: { click_id: 'pb-click-2', payout: '12.5', token: '[redacted]' },
      normalized: { clickId: 'pb-click-2', payout: '12.50' },
    });
    const second = await fx.api('GET', `${query}&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((item: { params: { click_id: string } }) => item.params.click_id)).toEqual([
      'pb-click-0',
    ]);
    expect(second.body.nextCursor).toBeUndefined();

    const byClick = await fx.api('GET', '/api/postbacks?clickId=pb-click-1');
    expect(byClick.body.items).toHaveLength(1);
    const one = await fx.api('GET', `/api/postbacks/${byClick.body.items[0].id}`);
    expect(one.status).toBe(200);
    expect(one.body.params.token).toBe('[redacted]');
  });

  it('answers 404 for unknown and malformed ids, 400 for a malformed filter', async () => {
    for (const path of [
      `/api/postbacks/${newId()}`,
      '/api/postbacks/not-an-id',
      `/api/conversions/${newId()}`,
      '/api/conversions/zzz',
      `/api/deliveries/${newId()}`,
      '/api/deliveries/zzz',
    ]) {
      const response = await fx.api('GET', path);
      expect({ path, status: response.status, code: response.body.code }).toEqual({
        path,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
    const badFilter = await fx.api('GET', '/api/conversions?offerId=nope');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.param).toBe('offerId');
    const badDate = await fx.api('GET', '/api/deliveries?from=yesterday');
    expect(badDate.status).toBe(400);
  });

  it('lists conversions by status and offer with money as strings, page by page', async () => {
    const offer = newChain({ advertiserId: chain.advertiserId });
    await createConversion(fx, offer, { clickId: 'cv-1', status: 'approved', revenue: 100_000 });
    await createConversion(fx, offer, { clickId: 'cv-2', status: 'approved', revenue: 200_000 });
    await createConversion(fx, offer, { clickId: 'cv-3', status: 'pending' });
    await createConversion(fx, chain, { clickId: 'cv-4', status: 'approved' });
    const query = `/api/conversions?status=approved&offerId=${offer.offerId}&limit=1`;
    const first = await fx.api('GET', query);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      expect.objectContaining({ clickId: 'cv-2', status: 'approved', revenue: '0.20', payout: '10.00' }),
    ]);
    expect(first.body.items[0].dedupKey).toBeUndefined();
    const second = await fx.api('GET', `${query}&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((item: { clickId: string }) => item.clickId)).toEqual(['cv-1']);
    expect(second.body.nextCursor).toBeUndefined();

    const one = await fx.api('GET', `/api/conversions/${first.body.items[0].id}`);
    expect(one.body.history).toEqual([expect.objectContaining({ status: 'approved', by: 'postback' })]);
  });

  it('lists deliveries by state and endpoint, and shows one with its attempt log', async () => {
    const conversion = await createConversion(fx, chain, { clickId: 'dl-click', event: 'ftd' });
    const endpointId = newId();
    const dead = await createDelivery(fx, conversion, 'dead', endpointId);
    const other = await createConversion(fx, chain, { clickId: 'dl-click', event: 'deposit' });
    await createDelivery(fx, other, 'dead', endpointId);
    await createDelivery(fx, other, 'delivered');
    await fx.attempts.recordAttempt({
      deliveryId: dead.id,
      attemptNo: 1,
      trigger: 'first',
      url: 'https://tracker.example/pb?cid=dl-click',
      method: 'GET',
      statusCode: 400,
      durationMs: 12,
      startedAt: new Date(),
      responseSnippet: 'bad request',
    });

    const query = `/api/deliveries?state=dead&endpointId=${endpointId}&limit=1`;
    const first = await fx.api('GET', query);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0].idempotencyKey).toBeUndefined();
    const second = await fx.api('GET', `${query}&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((item: { id: string }) => item.id)).toEqual([dead.id]);
    expect((await fx.api('GET', `/api/deliveries?conversionId=${other.id}`)).body.items).toHaveLength(2);

    const detail = await fx.api('GET', `/api/deliveries/${dead.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: dead.id, state: 'dead', attempts: 1, lastStatusCode: 400 });
    expect(detail.body.attemptLog).toEqual([
      expect.objectContaining({
        attemptNo: 1,
        trigger: 'first',
        statusCode: 400,
        responseSnippet: 'bad request',
      }),
    ]);
  });
});
