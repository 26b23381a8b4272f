import { getConnectionToken } from '@nestjs/mongoose';
import { AdvertiserRepository, OfferRepository, SourceRepository } from '@ricochet/persistence';
import type { Connection } from 'mongoose';
import { Types } from 'mongoose';
import { ADMIN_KEY, type AdminOpsFixture, createDelivery, openAdminOps } from './admin-ops.fixture';

/**
 * Reports reconciled by hand: clicks and conversions around Berlin's spring-forward night
 * (2026-03-29, a 23-hour day: 02:00 CET → 03:00 CEST at 01:00Z) and fall-back night (2026-10-25, a
 * 25-hour day: 03:00 CEST → 02:00 CET at 01:00Z), in USD and EUR, read per UTC and Berlin day, per
 * Berlin hour, per offer (with names, as JSON and CSV) and per event.
 *
 * March fixture (offer A unless noted; Berlin wall-clock time in brackets):
 *
 * | click | at (UTC)          | UTC day | Berlin day            |
 * | c1    | 03-28 22:30       | 03-28   | 03-28 (23:30 CET)     |
 * | c2    | 03-28 23:30       | 03-28   | 03-29 (00:30 CET)     |
 * | c3    | 03-29 00:59       | 03-29   | 03-29 (01:59 CET)     |
 * | c4    | 03-29 01:00       | 03-29   | 03-29 (03:00 CEST)    |
 * | c5    | 03-29 21:59       | 03-29   | 03-29 (23:59 CEST)    |
 * | c6    | 03-29 22:00       | 03-29   | 03-30 (00:00 CEST)    |  ← a fixed +01:00 would say 03-29
 * | c7 B  | 03-30 10:00       | 03-30   | 03-30                 |
 *
 * | conv  | click | at (UTC)    | event | currency | status   | revenue | payout | delivery (same time + 5 min) |
 * | v1    | c2    | 03-28 23:40 | ftd   | USD      | approved | 20.00   | 15.00  | delivered                    |
 * | v5    | c3    | 03-29 00:30 | reg   | USD      | approved | 3.50    | 2.25   |                              |
 * | v2    | c4    | 03-29 01:10 | ftd   | EUR      | approved | 10.00   | 8.00   | dead                         |
 * | v3    | c5    | 03-29 22:10 | reg   | EUR      | approved | 5.00    | 4.00   |                              |
 * | v4 B  | c7    | 03-30 10:05 | reg   | USD      | pending  | 7.00    | 6.00   |                              |
 */
describe('reports: time zones, currencies, names, event denominators, CSV', () => {
  let fx: AdminOpsFixture;
  let url: string;
  let offerA: string;
  let offerB: string;
  let advertiserX: string;
  let advertiserY: string;
  const sourceS = { id: '' };

  const at = (iso: string): Date => new Date(iso);

  async function setCreatedAt(collection: 'conversions' | 'deliveries', id: string, createdAt: Date) {
    const db = fx.app.get<Connection>(getConnectionToken());
    const result = await db
      .collection(collection)
      .updateOne({ _id: new Types.ObjectId(id) }, { $set: { createdAt } });
    expect(result.modifiedCount).toBe(1);
  }

  async function click(clickId: string, offer: 'A' | 'B', createdAt: string): Promise<void> {
    await fx.clicks.recordClick({
      clickId,
      offerId: offer === 'A' ? offerA : offerB,
      advertiserId: offer === 'A' ? advertiserX : advertiserY,
      sourceId: sourceS.id,
      createdAt: at(createdAt),
    });
  }

  async function conversion(fields: {
    clickId: string;
    offer: 'A' | 'B';
    createdAt: string;
    event: string;
    currency: string;
    status: 'approved' | 'pending';
    revenue: number;
    payout: number;
    delivery?: 'delivered' | 'dead';
  }): Promise<void> {
    const result = await fx.conversions.insertIfAbsent({
      clickId: fields.clickId,
      offerId: fields.offer === 'A' ? offerA : offerB,
      advertiserId: fields.offer === 'A' ? advertiserX : advertiserY,
      sourceId: sourceS.id,
      event: fields.event,
      status: fields.status,
      revenue: fields.revenue,
      payout: fields.payout,
      currency: fields.currency,
    });
    if (!result.created) throw new Error(`conversion of ${fields.clickId} existed`);
    await setCreatedAt('conversions', result.conversion.id, at(fields.createdAt));
    if (fields.delivery) {
      const delivery = await createDelivery(fx, result.conversion, fields.delivery);
      await setCreatedAt('deliveries', delivery.id, new Date(at(fields.createdAt).getTime() + 5 * 60_000));
    }
  }

  /** A raw request: the fixture's `api` parses every body as JSON. */
  async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${url}${path}`, { headers: { 'x-api-key': ADMIN_KEY, ...headers } });
  }

  const MARCH = 'from=2026-03-28&to=2026-03-31';

  beforeAll(async () => {
    // The fixture's clicks are from 2026: keep them past the default 90-day click retention.
    fx = await openAdminOps('reports tz currency', { RETENTION_CLICKS_DAYS: '3650' });
    url = await fx.app.getUrl();
    const advertisers = fx.app.get(AdvertiserRepository);
    const offers = fx.app.get(OfferRepository);
    advertiserX = (await advertisers.create({ name: 'Network X', postbackToken: 'tok-report-x-0123456789' }))
      .id;
    advertiserY = (await advertisers.create({ name: 'Network Y', postbackToken: 'tok-report-y-0123456789' }))
      .id;
    offerA = (
      await offers.create({ advertiserId: advertiserX, name: 'Casino DE, "FTD"', url: 'https://a.test/' })
    ).id;
    offerB = (await offers.create({ advertiserId: advertiserY, name: 'Sweeps US', url: 'https://b.test/' }))
      .id;
    sourceS.id = (await fx.app.get(SourceRepository).create({ name: 'Push source' })).id;

    await click('c1', 'A', '2026-03-28T22:30:00Z');
    await click('c2', 'A', '2026-03-28T23:30:00Z');
    await click('c3', 'A', '2026-03-29T00:59:00Z');
    await click('c4', 'A', '2026-03-29T01:00:00Z');
    await click('c5', 'A', '2026-03-29T21:59:00Z');
    await click('c6', 'A', '2026-03-29T22:00:00Z');
    await click('c7', 'B', '2026-03-30T10:00:00Z');
    const approved = 'approved' as const;
    await conversion({
      clickId: 'c2',
      offer: 'A',
      createdAt: '2026-03-28T23:40:00Z',
      event: 'ftd',
      currency: 'USD',
      status: approved,
      revenue: 20_000_000,
      payout: 15_000_000,
      delivery: 'delivered',
    });
    await conversion({
      clickId: 'c3',
      offer: 'A',
      createdAt: '2026-03-29T00:30:00Z',
      event: 'reg',
      currency: 'USD',
      status: approved,
      revenue: 3_500_000,
      payout: 2_250_000,
    });
    await conversion({
      clickId: 'c4',
      offer: 'A',
      createdAt: '2026-03-29T01:10:00Z',
      event: 'ftd',
      currency: 'EUR',
      status: approved,
      revenue: 10_000_000,
      payout: 8_000_000,
      delivery: 'dead',
    });
    await conversion({
      clickId: 'c5',
      offer: 'A',
      createdAt: '2026-03-29T22:10:00Z',
      event: 'reg',
      currency: 'EUR',
      status: approved,
      revenue: 5_000_000,
      payout: 4_000_000,
    });
    await conversion({
      clickId: 'c7',
      offer: 'B',
      createdAt: '2026-03-30T10:05:00Z',
      event: 'reg',
      currency: 'USD',
      status: 'pending',
      revenue: 7_000_000,
      payout: 6_000_000,
    });

    // October: Berlin's 25-hour day, clicks only.
    await click('k0', 'A', '2026-10-24T22:10:00Z'); // 00:10 CEST on 10-25
    await click('k1', 'A', '2026-10-25T00:30:00Z'); // 02:30 CEST
    await click('k2', 'A', '2026-10-25T01:30:00Z'); // 02:30 CET, the second 02:00 hour
    await click('k3', 'A', '2026-10-25T22:30:00Z'); // 23:30 CET on 10-25
  });

  afterAll(async () => {
    await fx?.close();
  });

  const row = (fields: Record<string, unknown>) => ({
    name: null,
    deliverySuccessRate: null,
    ...fields,
  });

  it('buckets UTC days by default, one row per currency, money never added across currencies', async () => {
    const response = await fx.api('GET', `/api/reports?groupBy=day&${MARCH}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      groupBy: 'day',
      tz: 'UTC',
      from: '2026-03-28T00:00:00.000Z',
      to: '2026-03-31T00:00:00.000Z',
      totals: { clicks: 7 },
      rows: [
        row({
          key: '2026-03-28',
          currency: 'USD',
          clicks: 2,
          conversions: 1,
          approved: 1,
          revenue: '20.00',
          payout: '15.00',
          profit: '5.00',
          cr: '0.5000',
          epc: '10.00',
          deliverySuccessRate: '1.0000',
        }),
        row({
          key: '2026-03-29',
          currency: 'EUR',
          clicks: 4,
          conversions: 2,
          approved: 2,
          revenue: '15.00',
          payout: '12.00',
          profit: '3.00',
          cr: '0.5000',
          epc: '3.75',
          deliverySuccessRate: '0.0000',
        }),
        row({
          key: '2026-03-29',
          currency: 'USD',
          clicks: 4,
          conversions: 1,
          approved: 1,
          revenue: '3.50',
          payout: '2.25',
          profit: '1.25',
          cr: '0.2500',
          epc: '0.875',
          deliverySuccessRate: '0.0000',
        }),
        row({
          key: '2026-03-30',
          currency: 'USD',
          clicks: 1,
          conversions: 1,
          approved: 0,
          revenue: '0.00',
          payout: '0.00',
          profit: '0.00',
          cr: '1.0000',
          epc: '0.00',
        }),
      ],
    });
  });

  const BERLIN_DAYS = [
    row({
      key: '2026-03-28',
      currency: null,
      clicks: 1,
      conversions: 0,
      approved: 0,
      revenue: '0.00',
      payout: '0.00',
      profit: '0.00',
      cr: '0.0000',
      epc: '0.00',
    }),
    row({
      key: '2026-03-29',
      currency: 'EUR',
      clicks: 4,
      conversions: 1,
      approved: 1,
      revenue: '10.00',
      payout: '8.00',
      profit: '2.00',
      cr: '0.2500',
      epc: '2.50',
      deliverySuccessRate: '0.5000',
    }),
    row({
      key: '2026-03-29',
      currency: 'USD',
      clicks: 4,
      conversions: 2,
      approved: 2,
      revenue: '23.50',
      payout: '17.25',
      profit: '6.25',
      cr: '0.5000',
      epc: '5.875',
      deliverySuccessRate: '0.5000',
    }),
    row({
      key: '2026-03-30',
      currency: 'EUR',
      clicks: 2,
      conversions: 1,
      approved: 1,
      revenue: '5.00',
      payout: '4.00',
      profit: '1.00',
      cr: '0.5000',
      epc: '2.50',
    }),
    row({
      key: '2026-03-30',
      currency: 'USD',
      clicks: 2,
      conversions: 1,
      approved: 0,
      revenue: '0.00',
      payout: '0.00',
      profit: '0.00',
      cr: '0.5000',
      epc: '0.00',
    }),
  ];

  it('buckets Berlin days across the 23-hour day, reading bare dates as Berlin midnights', async () => {
    const response = await fx.api('GET', `/api/reports?groupBy=day&${MARCH}&tz=Europe/Berlin`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      groupBy: 'day',
      tz: 'Europe/Berlin',
      from: '2026-03-27T23:00:00.000Z',
      to: '2026-03-30T22:00:00.000Z',
      totals: { clicks: 7 },
      rows: BERLIN_DAYS,
    });
  });

  it('buckets Berlin hours: 01:00 CET is followed by 03:00 CEST', async () => {
    const response = await fx.api(
      'GET',
      '/api/reports?groupBy=hour&tz=Europe/Berlin&from=2026-03-29T01:00&to=2026-03-29T04:00',
    );
    expect(response.status).toBe(200);
    expect(response.body.from).toBe('2026-03-29T00:00:00.000Z');
    expect(response.body.to).toBe('2026-03-29T02:00:00.000Z');
    expect(response.body.rows).toEqual([
      row({
        key: '2026-03-29T01:00:00+01:00',
        currency: 'USD',
        clicks: 1,
        conversions: 1,
        approved: 1,
        revenue: '3.50',
        payout: '2.25',
        profit: '1.25',
        cr: '1.0000',
        epc: '3.50',
      }),
      row({
        key: '2026-03-29T03:00:00+02:00',
        currency: 'EUR',
        clicks: 1,
        conversions: 1,
        approved: 1,
        revenue: '10.00',
        payout: '8.00',
        profit: '2.00',
        cr: '1.0000',
        epc: '10.00',
        deliverySuccessRate: '0.0000',
      }),
    ]);
  });

  it('keeps the 25-hour day whole and its two 02:00 hours apart', async () => {
    const october = 'from=2026-10-24&to=2026-10-27';
    const clicksPerKey = async (query: string): Promise<Array<[string, number]>> => {
      const response = await fx.api('GET', `/api/reports?${query}`);
      expect(response.status).toBe(200);
      return response.body.rows.map((r: { key: string; clicks: number }) => [r.key, r.clicks]);
    };
    expect(await clicksPerKey(`groupBy=day&${october}&tz=Europe/Berlin`)).toEqual([['2026-10-25', 4]]);
    expect(await clicksPerKey(`groupBy=day&${october}`)).toEqual([
      ['2026-10-24', 1],
      ['2026-10-25', 3],
    ]);
    expect(await clicksPerKey(`groupBy=hour&${october}&tz=Europe/Berlin`)).toEqual([
      ['2026-10-25T00:00:00+02:00', 1],
      ['2026-10-25T02:00:00+02:00', 1],
      ['2026-10-25T02:00:00+01:00', 1],
      ['2026-10-25T23:00:00+01:00', 1],
    ]);
  });

  it('names offers and advertisers beside their ids', async () => {
    const offers = await fx.api('GET', `/api/reports?groupBy=offer&${MARCH}`);
    expect(offers.body.rows).toEqual([
      row({
        key: offerA,
        name: 'Casino DE, "FTD"',
        currency: 'EUR',
        clicks: 6,
        conversions: 2,
        approved: 2,
        revenue: '15.00',
        payout: '12.00',
        profit: '3.00',
        cr: '0.3333',
        epc: '2.50',
        deliverySuccessRate: '0.5000',
      }),
      row({
        key: offerA,
        name: 'Casino DE, "FTD"',
        currency: 'USD',
        clicks: 6,
        conversions: 2,
        approved: 2,
        revenue: '23.50',
        payout: '17.25',
        profit: '6.25',
        cr: '0.3333',
        epc: '3.916667',
        deliverySuccessRate: '0.5000',
      }),
      row({
        key: offerB,
        name: 'Sweeps US',
        currency: 'USD',
        clicks: 1,
        conversions: 1,
        approved: 0,
        revenue: '0.00',
        payout: '0.00',
        profit: '0.00',
        cr: '1.0000',
        epc: '0.00',
      }),
    ]);
    const advertisers = await fx.api('GET', `/api/reports?groupBy=advertiser&${MARCH}`);
    expect(advertisers.body.rows.map((r: { key: string; name: string }) => [r.key, r.name])).toEqual([
      [advertiserX, 'Network X'],
      [advertiserX, 'Network X'],
      [advertiserY, 'Network Y'],
    ]);
    const sources = await fx.api('GET', `/api/reports?groupBy=source&${MARCH}`);
    expect(sources.body.rows.map((r: { name: string; currency: string }) => [r.name, r.currency])).toEqual([
      ['Push source', 'EUR'],
      ['Push source', 'USD'],
    ]);
  });

  it('reports events without clicks, dividing by every click of the range so the rates add up', async () => {
    const response = await fx.api('GET', `/api/reports?groupBy=event&${MARCH}`);
    expect(response.status).toBe(200);
    expect(response.body.totals).toEqual({ clicks: 7 });
    expect(response.body.rows).toEqual([
      row({
        key: 'ftd',
        currency: 'EUR',
        clicks: null,
        conversions: 1,
        approved: 1,
        revenue: '10.00',
        payout: '8.00',
        profit: '2.00',
        cr: '0.1429',
        epc: '1.428571',
        deliverySuccessRate: '0.5000',
      }),
      row({
        key: 'ftd',
        currency: 'USD',
        clicks: null,
        conversions: 1,
        approved: 1,
        revenue: '20.00',
        payout: '15.00',
        profit: '5.00',
        cr: '0.1429',
        epc: '2.857143',
        deliverySuccessRate: '0.5000',
      }),
      row({
        key: 'reg',
        currency: 'EUR',
        clicks: null,
        conversions: 1,
        approved: 1,
        revenue: '5.00',
        payout: '4.00',
        profit: '1.00',
        cr: '0.1429',
        epc: '0.714286',
      }),
      row({
        key: 'reg',
        currency: 'USD',
        clicks: null,
        conversions: 2,
        approved: 1,
        revenue: '3.50',
        payout: '2.25',
        profit: '1.25',
        cr: '0.2857',
        epc: '0.50',
      }),
    ]);
  });

  const HEADER =
    'key,name,currency,clicks,conversions,approved,revenue,payout,profit,cr,epc,deliverySuccessRate';

  it('answers CSV for Accept: text/csv and for format=csv, with the same rows as JSON', async () => {
    const expected = [
      HEADER,
      '2026-03-28,,,1,0,0,0.00,0.00,0.00,0.0000,0.00,',
      '2026-03-29,,EUR,4,1,1,10.00,8.00,2.00,0.2500,2.50,0.5000',
      '2026-03-29,,USD,4,2,2,23.50,17.25,6.25,0.5000,5.875,0.5000',
      '2026-03-30,,EUR,2,1,1,5.00,4.00,1.00,0.5000,2.50,',
      '2026-03-30,,USD,2,1,0,0.00,0.00,0.00,0.5000,0.00,',
      '',
    ].join('\r\n');
    const byAccept = await get(`/api/reports?groupBy=day&${MARCH}&tz=Europe/Berlin`, { accept: 'text/csv' });
    const byFormat = await get(`/api/reports?groupBy=day&${MARCH}&tz=Europe/Berlin&format=csv`);
    for (const response of [byAccept, byFormat]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe(
        'attachment; filename="ricochet-report-20260327T230000Z-20260330T220000Z.csv"',
      );
      expect(response.headers.get('vary')).toMatch(/accept/i);
      expect(await response.text()).toBe(expected);
    }
    // format wins over Accept, and a JSON answer still varies by Accept.
    const json = await get(`/api/reports?groupBy=day&${MARCH}&tz=Europe/Berlin&format=json`, {
      accept: 'text/csv',
    });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await json.json()) as { rows: unknown }).rows).toEqual(BERLIN_DAYS);
  });

  it('quotes names as RFC 4180 says, and shows event rows without clicks', async () => {
    const offers = await get(`/api/reports?groupBy=offer&${MARCH}&format=csv`);
    expect(await offers.text()).toBe(
      [
        HEADER,
        `${offerA},"Casino DE, ""FTD""",EUR,6,2,2,15.00,12.00,3.00,0.3333,2.50,0.5000`,
        `${offerA},"Casino DE, ""FTD""",USD,6,2,2,23.50,17.25,6.25,0.3333,3.916667,0.5000`,
        `${offerB},Sweeps US,USD,1,1,0,0.00,0.00,0.00,1.0000,0.00,`,
        '',
      ].join('\r\n'),
    );
    const events = await get(`/api/reports?groupBy=event&${MARCH}`, { accept: 'text/csv' });
    expect(await events.text()).toBe(
      [
        HEADER,
        'ftd,,EUR,,1,1,10.00,8.00,2.00,0.1429,1.428571,0.5000',
        'ftd,,USD,,1,1,20.00,15.00,5.00,0.1429,2.857143,0.5000',
        'reg,,EUR,,1,1,5.00,4.00,1.00,0.1429,0.714286,',
        'reg,,USD,,2,1,3.50,2.25,1.25,0.2857,0.50,',
        '',
      ].join('\r\n'),
    );
  });

  it('streams CSV (chunked, no Content-Length) and gives an empty range just the header', async () => {
    const response = await get(
      '/api/reports?groupBy=hour&from=2026-03-28T22:00:00Z&to=2026-03-30T11:00:00Z',
      {
        accept: 'text/csv',
      },
    );
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe(HEADER);
    // c1…c7, the conversions and the deliveries fall in 7 UTC hours, each with one currency.
    expect(lines.slice(1, -1).map((line) => line.split(',')[0])).toEqual([
      '2026-03-28T22:00:00+00:00',
      '2026-03-28T23:00:00+00:00',
      '2026-03-29T00:00:00+00:00',
      '2026-03-29T01:00:00+00:00',
      '2026-03-29T21:00:00+00:00',
      '2026-03-29T22:00:00+00:00',
      '2026-03-30T10:00:00+00:00',
    ]);
    const empty = await get('/api/reports?groupBy=offer&from=2020-01-01&to=2020-01-02&format=csv');
    expect(empty.headers.get('content-disposition')).toBe(
      'attachment; filename="ricochet-report-20200101T000000Z-20200102T000000Z.csv"',
    );
    expect(await empty.text()).toBe(`${HEADER}\r\n`);
  });

  it('refuses an unknown time zone, an impossible date, a reversed range and an unknown format', async () => {
    for (const [query, param] of [
      ['groupBy=day&tz=Mars/Olympus', 'tz'],
      ['groupBy=day&tz=%2B01:00', 'tz'],
      ['groupBy=day&tz=', 'tz'],
      ['groupBy=day&from=2026-02-30', 'from'],
      ['groupBy=day&from=yesterday', 'from'],
      ['groupBy=day&from=2026-03-30&to=2026-03-29', 'to'],
      ['groupBy=day&format=xlsx', 'format'],
      ['groupBy=week', 'groupBy'],
    ]) {
      for (const accept of ['application/json', 'text/csv']) {
        const response = await get(`/api/reports?${query}`, { accept });
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        const body = (await response.json()) as { code: string; param: string; message: string };
        expect({ query, code: body.code, param: body.param }).toEqual({
          query,
          code: 'VALIDATION_FAILED',
          param,
        });
      }
    }
    const tz = await fx.api('GET', '/api/reports?groupBy=day&tz=Mars/Olympus');
    expect(tz.body.message).toBe(
      'tz must be an IANA time zone name such as Europe/Berlin, America/New_York or UTC, got "Mars/Olympus"',
    );
  });

  it('documents every parameter without pre-filling Swagger UI, and both answer types', async () => {
    const docs = await fx.api('GET', '/docs-json');
    const operation = docs.body.paths['/api/reports'].get;
    const parameters = operation.parameters as Array<{
      name: string;
      description?: string;
      example?: unknown;
      examples?: unknown;
      schema: { example?: unknown; default?: unknown };
    }>;
    expect(parameters.map((p) => p.name).sort()).toEqual(['format', 'from', 'groupBy', 'to', 'tz']);
    for (const parameter of parameters) {
      expect({ name: parameter.name, described: (parameter.description ?? '').length > 20 }).toEqual({
        name: parameter.name,
        described: true,
      });
      expect(parameter.example).toBeUndefined();
      expect(parameter.examples).toBeUndefined();
      expect(parameter.schema.example).toBeUndefined();
    }
    const defaults = Object.fromEntries(parameters.map((p) => [p.name, p.schema.default]));
    expect(defaults).toEqual({
      format: undefined,
      from: undefined,
      groupBy: undefined,
      to: undefined,
      tz: 'UTC',
    });
    expect(Object.keys(operation.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
    expect(operation.responses['400'].content['application/json'].example.param).toBe('tz');
    const rowSchema = docs.body.components.schemas.ReportRowResponse;
    expect(rowSchema.properties.currency.example).toBe('EUR');
    expect(rowSchema.properties.name.example).toBeDefined();
  });
});
