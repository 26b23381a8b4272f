import { SourceRepository } from '@ricochet/persistence';
import { suiteContext } from '../../support/suite';
import { newId, openPersistence, PersistenceFixture } from './persistence.fixture';

describe('SourceRepository', () => {
  const ctx = suiteContext('source-repository');
  let fixture: PersistenceFixture;
  let sources: SourceRepository;

  beforeAll(async () => {
    fixture = await openPersistence(ctx);
    sources = fixture.moduleRef.get(SourceRepository);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('creates a source whose endpoints get ids and the documented defaults', async () => {
    const created = await sources.create({
      name: 'Push network',
      endpoints: [{ url: 'https://tracker.example/pb?cid={ext_click_id}' }],
    });

    expect(created.endpoints).toHaveLength(1);
    expect(created.endpoints[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      url: 'https://tracker.example/pb?cid={ext_click_id}',
      method: 'GET',
      bodyFormat: 'json',
      headers: {},
      events: ['*'],
      statuses: ['approved'],
      fireOnce: true,
      enabled: true,
    });
    expect(created).not.toHaveProperty('payoutPolicy');
    expect(await sources.findById(created.id)).toEqual(created);
  });

  it('keeps every endpoint option, and the payout override', async () => {
    const created = await sources.create({
      name: 'Partner',
      payoutPolicy: { rule: { type: 'fixed', amount: 2_000_000 } },
      endpoints: [
        {
          url: 'https://partner.example/hook',
          method: 'POST',
          bodyFormat: 'form',
          bodyTemplate: 'cid={click_id}&sum={payout}',
          headers: { 'X-Api-Key': 'k' },
          events: ['ftd', 'deposit'],
          statuses: ['approved', 'rejected'],
          fireOnce: false,
          successBodyMatch: '^OK',
          maxRps: 5,
          signingSecret: 'whsec_x',
          retryScheduleMs: [1000, 5000],
        },
      ],
    });

    const found = await sources.findById(created.id);

    expect(found?.payoutPolicy).toEqual({ rule: { type: 'fixed', amount: 2_000_000 } });
    expect(found?.endpoints[0]).toMatchObject({
      method: 'POST',
      bodyFormat: 'form',
      headers: { 'X-Api-Key': 'k' },
      events: ['ftd', 'deposit'],
      statuses: ['approved', 'rejected'],
      fireOnce: false,
      maxRps: 5,
      retryScheduleMs: [1000, 5000],
    });
  });

  it('finds an endpoint with its source, and disables it with a reason', async () => {
    const created = await sources.create({
      name: 'Two endpoints',
      endpoints: [{ url: 'https://one.example/' }, { url: 'https://two.example/' }],
    });
    const second = created.endpoints[1];

    const found = await sources.findEndpoint(second.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const disabled = await sources.disableEndpoint(second.id, '$endpoints: HTTP 410 Gone');
    const after = await sources.findEndpoint(second.id);

    expect(found).toEqual({ source: created, endpoint: second });
    expect(disabled).toBe(true);
    expect(after?.endpoint).toMatchObject({ enabled: false, disabledReason: '$endpoints: HTTP 410 Gone' });
    expect(after!.source.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
    expect(after?.source.endpoints[0]!.enabled).toBe(true);
    expect(await sources.findEndpoint(newId())).toBeNull();
    expect(await sources.disableEndpoint(newId(), 'nothing')).toBe(false);
  });

  it('replaces endpoints on update, keeping the ids of those passed back', async () => {
    const created = await sources.create({
      name: 'Replace',
      payoutPolicy: { rule: { type: 'passthrough' } },
      endpoints: [{ url: 'https://keep.example/' }, { url: 'https://drop.example/' }],
    });
    const kept = created.endpoints[0];

    const updated = await sources.update(created.id, {
      name: 'Replaced',
      payoutPolicy: null,
      endpoints: [{ ...kept, url: 'https://kept.example/' }, { url: 'https://new.example/' }],
    });

    expect(updated?.name).toBe('Replaced');
    expect(updated).not.toHaveProperty('payoutPolicy');
    expect(updated?.endpoints.map((endpoint) => endpoint.url)).toEqual([
      'https://kept.example/',
      'https://new.example/',
    ]);
    expect(updated?.endpoints[0]!.id).toBe(kept.id);
    expect(updated?.endpoints[1]).toMatchObject({ statuses: ['approved'], fireOnce: true, enabled: true });
  });

  it('lists and deletes sources', async () => {
    const created = await sources.create({ name: 'Listed' });

    expect((await sources.list({ limit: 1 })).items[0].id).toBe(created.id);
    expect(await sources.delete(created.id)).toBe(true);
    expect(await sources.findById(created.id)).toBeNull();
  });
});
