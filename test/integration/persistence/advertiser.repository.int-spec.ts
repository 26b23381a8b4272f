import { AdvertiserRepository, DuplicateKeyError } from '@ricochet/persistence';
import { randomBytes } from 'node:crypto';
import { suiteContext } from '../../support/suite';
import { newId, openPersistence, PersistenceFixture } from './persistence.fixture';

describe('AdvertiserRepository', () => {
  const ctx = suiteContext('advertiser-repository');
  let fixture: PersistenceFixture;
  let advertisers: AdvertiserRepository;

  beforeAll(async () => {
    fixture = await openPersistence(ctx);
    advertisers = fixture.moduleRef.get(AdvertiserRepository);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const token = () => randomBytes(16).toString('hex');

  it('creates an advertiser with defaults and finds it by id and by postback token', async () => {
    const postbackToken = token();

    const created = await advertisers.create({ name: 'Acme Ads', postbackToken });

    expect(created).toMatchObject({
      name: 'Acme Ads',
      postbackToken,
      allowedIps: [],
      paramMap: {},
      statusMap: {},
      defaultCurrency: 'USD',
    });
    expect(created).not.toHaveProperty('signingSecret');
    expect(await advertisers.findById(created.id)).toEqual(created);
    expect(await advertisers.findByPostbackToken(postbackToken)).toEqual(created);
    expect(await advertisers.findByPostbackToken('unknown')).toBeNull();
    expect(await advertisers.findById('not-an-id')).toBeNull();
  });

  it('keeps parameter and status maps whose keys MongoDB treats specially in paths', async () => {
    const created = await advertisers.create({
      name: 'Maps',
      postbackToken: token(),
      allowedIps: ['203.0.113.0/24', '2001:db8::/32'],
      paramMap: { aff_sub: 'clickId', sum: 'payout' },
      statusMap: { sale: 'approved', '2': 'pending', chargeback: 'rejected' },
      defaultCurrency: 'eur',
      signingSecret: 'whsec_abc',
    });

    expect(await advertisers.findById(created.id)).toMatchObject({
      allowedIps: ['203.0.113.0/24', '2001:db8::/32'],
      paramMap: { aff_sub: 'clickId', sum: 'payout' },
      statusMap: { sale: 'approved', '2': 'pending', chargeback: 'rejected' },
      defaultCurrency: 'EUR',
      signingSecret: 'whsec_abc',
    });
  });

  it('refuses a postback token that another advertiser already has', async () => {
    const postbackToken = token();
    await advertisers.create({ name: 'First', postbackToken });

    await expect(advertisers.create({ name: 'Second', postbackToken })).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
  });

  it('updates fields, removes the signing secret on null, and answers null for an unknown id', async () => {
    const created = await advertisers.create({
      name: 'Old',
      postbackToken: token(),
      signingSecret: 's3cret',
    });

    const updated = await advertisers.update(created.id, {
      name: 'New',
      statusMap: { ok: 'approved' },
      signingSecret: null,
    });

    expect(updated).toMatchObject({
      name: 'New',
      statusMap: { ok: 'approved' },
      postbackToken: created.postbackToken,
    });
    expect(updated).not.toHaveProperty('signingSecret');
    expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
    expect(await advertisers.update(newId(), { name: 'Nobody' })).toBeNull();
  });

  it('deletes an advertiser once', async () => {
    const created = await advertisers.create({ name: 'Gone', postbackToken: token() });

    expect(await advertisers.delete(created.id)).toBe(true);
    expect(await advertisers.delete(created.id)).toBe(false);
    expect(await advertisers.findById(created.id)).toBeNull();
  });

  it('lists advertisers newest first with a cursor', async () => {
    const names = ['L1', 'L2', 'L3'];
    for (const name of names) {
      await advertisers.create({ name, postbackToken: token() });
    }

    const first = await advertisers.list({ limit: 2 });
    const second = await advertisers.list({ limit: 2, cursor: first.nextCursor });

    expect(first.items.map((item) => item.name)).toEqual(['L3', 'L2']);
    expect(second.items[0].name).toBe('L1');
  });
});
