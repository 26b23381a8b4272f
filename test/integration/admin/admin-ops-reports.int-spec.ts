import {
  type AdminOpsFixture,
  createConversion,
  createDelivery,
  newChain,
  openAdminOps,
} from './admin-ops.fixture';

describe('admin reports', () => {
  let fx: AdminOpsFixture;
  const offerA = newChain();
  const offerB = newChain({ advertiserId: offerA.advertiserId, sourceId: offerA.sourceId });
  const range = (): string => {
    const now = Date.now();
    return `from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 86_400_000).toISOString()}`;
  };

  beforeAll(async () => {
    fx = await openAdminOps('admin ops reports');
    for (let i = 0; i < 4; i += 1) await fx.clicks.recordClick({ ...offerA, clickId: `a-${i}` });
    for (let i = 0; i < 2; i += 1) await fx.clicks.recordClick({ ...offerB, clickId: `b-${i}` });
    // A: 0.10 + 0.20 approved (exactly 0.30, no float artefacts), one pending that earns nothing yet.
    const a1 = await createConversion(fx, offerA, { clickId: 'a-0', revenue: 100_000, payout: 50_000 });
    const a2 = await createConversion(fx, offerA, { clickId: 'a-1', revenue: 200_000, payout: 150_000 });
    await createConversion(fx, offerA, { clickId: 'a-2', status: 'pending', revenue: 5_000_000 });
    await createConversion(fx, offerB, { clickId: 'b-0', status: 'rejected', revenue: 3_000_000 });
    await createDelivery(fx, a1, 'delivered');
    await createDelivery(fx, a2, 'dead');
    await createDelivery(fx, a1, 'pending');
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('reports per offer with exact money strings, CR, EPC and delivery success rate', async () => {
    const response = await fx.api('GET', `/api/reports?groupBy=offer&${range()}`);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ groupBy: 'offer', tz: 'UTC', totals: { clicks: 6 } });
    const rows = new Map(response.body.rows.map((row: { key: string }) => [row.key, row]));
    expect(rows.get(offerA.offerId)).toEqual({
      key: offerA.offerId,
      name: null,
      currency: 'USD',
      clicks: 4,
      conversions: 3,
      approved: 2,
      revenue: '0.30',
      payout: '0.20',
      profit: '0.10',
      cr: '0.7500',
      epc: '0.075',
      deliverySuccessRate: '0.5000',
    });
    expect(rows.get(offerB.offerId)).toEqual({
      key: offerB.offerId,
      name: null,
      currency: 'USD',
      clicks: 2,
      conversions: 1,
      approved: 0,
      revenue: '0.00',
      payout: '0.00',
      profit: '0.00',
      cr: '0.5000',
      epc: '0.00',
      deliverySuccessRate: null,
    });
  });

  it('reports per UTC day and per source over the whole fixture', async () => {
    const day = await fx.api('GET', `/api/reports?groupBy=day&${range()}`);
    expect(day.body.rows).toEqual([
      expect.objectContaining({
        key: new Date().toISOString().slice(0, 10),
        clicks: 6,
        conversions: 4,
        revenue: '0.30',
        cr: '0.6667',
        epc: '0.05',
      }),
    ]);
    const source = await fx.api('GET', '/api/reports?groupBy=source');
    expect(source.body.rows).toEqual([expect.objectContaining({ key: offerA.sourceId, clicks: 6 })]);
  });

  it('reports per event without clicks of its own, against every click of the range', async () => {
    const response = await fx.api('GET', `/api/reports?groupBy=event&${range()}`);
    expect(response.body.totals).toEqual({ clicks: 6 });
    expect(response.body.rows).toEqual([
      expect.objectContaining({
        key: 'conversion',
        currency: 'USD',
        clicks: null,
        conversions: 4,
        cr: '0.6667',
        deliverySuccessRate: '0.5000',
      }),
    ]);
  });

  it('is empty for a range without data and refuses an unknown grouping', async () => {
    const empty = await fx.api(
      'GET',
      '/api/reports?groupBy=day&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z',
    );
    expect(empty.status).toBe(200);
    expect(empty.body.rows).toEqual([]);
    const bad = await fx.api('GET', '/api/reports?groupBy=week');
    expect(bad.status).toBe(400);
    expect(bad.body.param).toBe('groupBy');
  });
});
