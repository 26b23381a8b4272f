import { OfferRepository } from '@ricochet/persistence';
import { suiteContext } from '../../support/suite';
import { newId, openPersistence, PersistenceFixture } from './persistence.fixture';

describe('OfferRepository', () => {
  const ctx = suiteContext('offer-repository');
  let fixture: PersistenceFixture;
  let offers: OfferRepository;

  beforeAll(async () => {
    fixture = await openPersistence(ctx);
    offers = fixture.moduleRef.get(OfferRepository);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('creates an offer with passthrough payout, a 30-day window and active status by default', async () => {
    const advertiserId = newId();

    const created = await offers.create({
      advertiserId,
      name: 'Casino',
      url: 'https://lp.example/?cid={click_id}',
    });

    expect(created).toMatchObject({
      advertiserId,
      payoutPolicy: { rule: { type: 'passthrough' } },
      attributionWindowDays: 30,
      status: 'active',
    });
    expect(created).not.toHaveProperty('defaultRevenue');
    expect(await offers.findById(created.id)).toEqual(created);
  });

  it('stores payout rules with per-event overrides and a default revenue in integer micros', async () => {
    const created = await offers.create({
      advertiserId: newId(),
      name: 'Rules',
      url: 'https://lp.example/',
      fallbackUrl: 'https://fallback.example/',
      defaultRevenue: 12_500_000,
      payoutPolicy: {
        rule: { type: 'percent', percentMicros: 70_000_000 },
        perEvent: { ftd: { type: 'fixed', amount: 50_000_000 }, registration: { type: 'passthrough' } },
      },
    });

    const found = await offers.findById(created.id);

    expect(found).toMatchObject({
      fallbackUrl: 'https://fallback.example/',
      defaultRevenue: 12_500_000,
      payoutPolicy: {
        rule: { type: 'percent', percentMicros: 70_000_000 },
        perEvent: { ftd: { type: 'fixed', amount: 50_000_000 }, registration: { type: 'passthrough' } },
      },
    });
  });

  it('refuses a fractional default revenue', async () => {
    await expect(
      offers.create({
        advertiserId: newId(),
        name: 'Float',
        url: 'https://lp.example/',
        defaultRevenue: 0.1,
      }),
    ).rejects.toThrow(/integer number of micros/);
  });

  it('pauses an offer and removes optional fields on null', async () => {
    const created = await offers.create({
      advertiserId: newId(),
      name: 'Pause me',
      url: 'https://lp.example/',
      fallbackUrl: 'https://fallback.example/',
      defaultRevenue: 1_000_000,
    });

    const updated = await offers.update(created.id, {
      status: 'paused',
      fallbackUrl: null,
      defaultRevenue: null,
    });

    expect(updated).toMatchObject({ status: 'paused', name: 'Pause me' });
    expect(updated).not.toHaveProperty('fallbackUrl');
    expect(updated).not.toHaveProperty('defaultRevenue');
    await expect(offers.update(created.id, { defaultRevenue: 1.5 })).rejects.toThrow(
      /integer number of micros/,
    );
  });

  it("lists an advertiser's offers by status, and deletes one", async () => {
    const advertiserId = newId();
    const active = await offers.create({ advertiserId, name: 'A', url: 'https://a.example/' });
    const paused = await offers.create({
      advertiserId,
      name: 'P',
      url: 'https://p.example/',
      status: 'paused',
    });
    await offers.create({ advertiserId: newId(), name: 'Other', url: 'https://o.example/' });

    const all = await offers.list({ advertiserId });
    const onlyPaused = await offers.list({ advertiserId, status: 'paused' });

    expect(all.items.map((item) => item.id)).toEqual([paused.id, active.id]);
    expect(onlyPaused.items.map((item) => item.id)).toEqual([paused.id]);
    expect(await offers.delete(active.id)).toBe(true);
    expect((await offers.list({ advertiserId })).items).toHaveLength(1);
  });
});
