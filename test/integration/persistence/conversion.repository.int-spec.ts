import { ConversionRepository, InvalidCursorError, NewConversion } from '@ricochet/persistence';
import { suiteContext } from '../../support/suite';
import { newId, openPersistence, PersistenceFixture } from './persistence.fixture';

describe('ConversionRepository', () => {
  const ctx = suiteContext('conversion-repository');
  let fixture: PersistenceFixture;
  let conversions: ConversionRepository;
  const advertiserId = newId();

  beforeAll(async () => {
    fixture = await openPersistence(ctx);
    conversions = fixture.moduleRef.get(ConversionRepository);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  function conversion(overrides: Partial<NewConversion> = {}): NewConversion {
    return {
      clickId: `clk_${newId()}`,
      offerId: newId(),
      sourceId: newId(),
      advertiserId,
      event: 'conversion',
      status: 'pending',
      revenue: 12_500_000,
      payout: 10_000_000,
      currency: 'USD',
      ...overrides,
    };
  }

  it('creates a conversion whose first history entry names the postback', async () => {
    const postbackId = newId();
    const result = await conversions.insertIfAbsent(conversion({ postbackId, txid: 'order-1' }));

    expect(result.created).toBe(true);
    const created = result.created ? result.conversion : result.existing;
    expect(created).toMatchObject({
      status: 'pending',
      revenue: 12_500_000,
      payout: 10_000_000,
      txid: 'order-1',
    });
    expect(created.history).toEqual([
      { status: 'pending', at: expect.any(Date), postbackId, by: 'postback' },
    ]);
    expect(await conversions.findById(created.id)).toEqual(created);
  });

  it('creates exactly one conversion when 20 identical inserts race', async () => {
    const input = conversion({ txid: 'race-1' });

    const results = await Promise.all(Array.from({ length: 20 }, () => conversions.insertIfAbsent(input)));

    expect(results.filter((result) => result.created)).toHaveLength(1);
    const ids = new Set(
      results.map((result) => (result.created ? result.conversion.id : result.existing.id)),
    );
    expect(ids.size).toBe(1);
  });

  it('dedups by (advertiser, txid) across clicks when a txid is present', async () => {
    const first = await conversions.insertIfAbsent(conversion({ txid: 'shared-tx' }));
    const sameAdvertiser = await conversions.insertIfAbsent(conversion({ txid: 'shared-tx' }));
    const otherAdvertiser = await conversions.insertIfAbsent(
      conversion({ txid: 'shared-tx', advertiserId: newId() }),
    );

    expect(first.created).toBe(true);
    expect(sameAdvertiser.created).toBe(false);
    expect(otherAdvertiser.created).toBe(true);
  });

  it('dedups by (click, event) without a txid, and keeps distinct events apart', async () => {
    const clickId = 'clk:with:colons';
    const registration = await conversions.insertIfAbsent(conversion({ clickId, event: 'registration' }));
    const again = await conversions.insertIfAbsent(conversion({ clickId, event: 'registration' }));
    const ftd = await conversions.insertIfAbsent(conversion({ clickId, event: 'ftd' }));
    const ambiguous = await conversions.insertIfAbsent(
      conversion({ clickId: 'clk:with', event: 'colons:registration' }),
    );

    expect([registration.created, again.created, ftd.created, ambiguous.created]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    const byClick = await conversions.listByClickId(clickId);
    expect(byClick.map((item) => item.event)).toEqual(['registration', 'ftd']);
  });

  it('transitions status only from the expected status, appending history', async () => {
    const created = await conversions.insertIfAbsent(conversion());
    const id = created.created ? created.conversion.id : created.existing.id;
    const postbackId = newId();

    const approved = await conversions.transitionStatus(id, 'pending', 'approved', {
      by: 'postback',
      postbackId,
    });
    const stale = await conversions.transitionStatus(id, 'pending', 'rejected', { by: 'admin' });

    expect(approved?.status).toBe('approved');
    expect(approved?.history.map((entry) => [entry.status, entry.by])).toEqual([
      ['pending', 'postback'],
      ['approved', 'postback'],
    ]);
    expect(approved?.history[1]?.postbackId).toBe(postbackId);
    expect(stale).toBeNull();
  });

  it('lets exactly one of two racing transitions win', async () => {
    const created = await conversions.insertIfAbsent(conversion());
    const id = created.created ? created.conversion.id : created.existing.id;

    const [toApproved, toRejected] = await Promise.all([
      conversions.transitionStatus(id, 'pending', 'approved', { by: 'postback' }),
      conversions.transitionStatus(id, 'pending', 'rejected', { by: 'admin', note: 'fraud' }),
    ]);

    expect([toApproved, toRejected].filter((result) => result !== null)).toHaveLength(1);
    const stored = await conversions.findById(id);
    expect(stored?.history).toHaveLength(2);
  });

  it('updates amounts with a transition and keeps money as integer micros', async () => {
    const created = await conversions.insertIfAbsent(conversion({ revenue: 100_000, payout: 200_000 }));
    const id = created.created ? created.conversion.id : created.existing.id;

    const approved = await conversions.transitionStatus(
      id,
      'pending',
      'approved',
      { by: 'postback' },
      { revenue: 300_000 },
    );

    expect(approved).toMatchObject({ revenue: 300_000, payout: 200_000 });
    expect(Number.isInteger(approved?.revenue)).toBe(true);
  });

  it('refuses fractional micros instead of storing a float', async () => {
    await expect(conversions.insertIfAbsent(conversion({ revenue: 12.5 }))).rejects.toThrow(
      /integer number of micros/,
    );
  });

  it('pages 120 conversions newest first as 50, 50 and 20 without overlap', async () => {
    const offerId = newId();
    for (let i = 0; i < 120; i += 1) {
      await conversions.insertIfAbsent(conversion({ offerId, txid: `page-${i}` }));
    }

    const first = await conversions.list({ offerId }, { limit: 50 });
    const second = await conversions.list({ offerId }, { limit: 50, cursor: first.nextCursor });
    const third = await conversions.list({ offerId }, { limit: 50, cursor: second.nextCursor });

    expect([first.items.length, second.items.length, third.items.length]).toEqual([50, 50, 20]);
    expect(third.nextCursor).toBeUndefined();
    const txids = [...first.items, ...second.items, ...third.items].map((item) => item.txid);
    expect(new Set(txids).size).toBe(120);
    expect(txids[0]).toBe('page-119');
    expect(txids[119]).toBe('page-0');
  });

  it('filters by status and time range', async () => {
    const offerId = newId();
    const before = new Date(Date.now() - 1000);
    await conversions.insertIfAbsent(conversion({ offerId, status: 'approved' }));
    await conversions.insertIfAbsent(conversion({ offerId, status: 'pending' }));

    const approved = await conversions.list({ offerId, status: 'approved' });
    const both = await conversions.list({ offerId, status: ['approved', 'pending'], from: before });
    const none = await conversions.list({ offerId, to: before });

    expect(approved.items.map((item) => item.status)).toEqual(['approved']);
    expect(both.items).toHaveLength(2);
    expect(none.items).toHaveLength(0);
  });

  it('rejects a cursor it did not hand out', async () => {
    await expect(conversions.list({}, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
