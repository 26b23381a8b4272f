import {
  BatchTooLargeError,
  ClickRepository,
  DuplicateKeyError,
  InvalidIdError,
  NewClick,
} from '@ricochet/persistence';
import { suiteContext } from '../../support/suite';
import { newId, openPersistence, PersistenceFixture } from './persistence.fixture';

describe('ClickRepository', () => {
  const ctx = suiteContext('click-repository');
  let fixture: PersistenceFixture;
  let clicks: ClickRepository;
  let sequence = 0;

  beforeAll(async () => {
    fixture = await openPersistence(ctx);
    clicks = fixture.moduleRef.get(ClickRepository);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  function click(overrides: Partial<NewClick> = {}): NewClick {
    sequence += 1;
    return {
      clickId: `c${sequence}_${newId()}`,
      offerId: newId(),
      sourceId: newId(),
      advertiserId: newId(),
      ...overrides,
    };
  }

  it('records a click and finds it by click id with sub1…sub10 as named fields', async () => {
    const input = click({
      extClickId: 'ext-42',
      sub1: 'a',
      sub10: 'j',
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0',
      referrer: 'https://example.com/',
      country: 'DE',
    });

    const recorded = await clicks.recordClick(input);
    const found = await clicks.findByClickId(input.clickId);

    expect(found).toEqual(recorded);
    expect(found).toMatchObject({
      clickId: input.clickId,
      offerId: input.offerId,
      sourceId: input.sourceId,
      advertiserId: input.advertiserId,
      extClickId: 'ext-42',
      sub1: 'a',
      sub10: 'j',
      country: 'DE',
    });
    expect(found).not.toHaveProperty('sub2');
    expect(found?.createdAt).toBeInstanceOf(Date);
  });

  it('answers null for an unknown click id', async () => {
    expect(await clicks.findByClickId('never-minted')).toBeNull();
  });

  it('refuses a second click with the same click id', async () => {
    const input = click();
    await clicks.recordClick(input);

    await expect(clicks.recordClick({ ...input, offerId: newId() })).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
  });

  it('refuses a malformed reference id with a named error', async () => {
    await expect(clicks.recordClick(click({ offerId: 'offer-1' }))).rejects.toBeInstanceOf(InvalidIdError);
  });

  it('keeps the original time of a click registered from another tracker', async () => {
    const createdAt = new Date('2026-01-02T03:04:05.000Z');
    const input = click({ createdAt });

    await clicks.recordClick(input);

    expect((await clicks.findByClickId(input.clickId))?.createdAt).toEqual(createdAt);
  });

  it('registers a batch and reports duplicates per item instead of throwing', async () => {
    const existing = click();
    await clicks.recordClick(existing);
    const fresh = click();
    const batch = [fresh, click({ clickId: existing.clickId }), click({ clickId: fresh.clickId }), click()];

    const results = await clicks.registerClicks(batch);

    expect(results.map((result) => [result.clickId, result.status])).toEqual([
      [fresh.clickId, 'created'],
      [existing.clickId, 'duplicate'],
      [fresh.clickId, 'duplicate'],
      [batch[3].clickId, 'created'],
    ]);
    expect((await clicks.findByClickId(fresh.clickId))?.offerId).toBe(fresh.offerId);
    expect((await clicks.findByClickId(existing.clickId))?.offerId).toBe(existing.offerId);
  });

  it('registers 1000 clicks in one call', async () => {
    const batch = Array.from({ length: 1000 }, () => click());

    const results = await clicks.registerClicks(batch);

    expect(results.filter((result) => result.status === 'created')).toHaveLength(1000);
    expect(await clicks.findByClickId(batch[999].clickId)).not.toBeNull();
  });

  it('refuses a batch over 1000 clicks before writing anything', async () => {
    const batch = Array.from({ length: 1001 }, () => click());

    await expect(clicks.registerClicks(batch)).rejects.toBeInstanceOf(BatchTooLargeError);
    expect(await clicks.findByClickId(batch[0].clickId)).toBeNull();
  });

  it('writes nothing from a batch with an invalid item', async () => {
    const valid = click();
    const invalid = { ...click(), clickId: undefined as unknown as string };

    await expect(clicks.registerClicks([valid, invalid])).rejects.toThrow(/clickId/);
    expect(await clicks.findByClickId(valid.clickId)).toBeNull();
  });
});
