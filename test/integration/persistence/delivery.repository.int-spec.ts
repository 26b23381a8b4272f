import { DeliveryRecord, DeliveryRepository, NewDelivery } from '@ricochet/persistence';
import { suiteContext } from '../../support/suite';
import { newId, openPersistence, PersistenceFixture } from './persistence.fixture';

describe('DeliveryRepository', () => {
  const ctx = suiteContext('delivery-repository');
  let fixture: PersistenceFixture;
  let deliveries: DeliveryRepository;

  beforeAll(async () => {
    fixture = await openPersistence(ctx);
    deliveries = fixture.moduleRef.get(DeliveryRepository);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  function delivery(overrides: Partial<NewDelivery> = {}): NewDelivery {
    return {
      conversionId: newId(),
      endpointId: newId(),
      sourceId: newId(),
      status: 'approved',
      ...overrides,
    };
  }

  async function create(overrides: Partial<NewDelivery> = {}): Promise<DeliveryRecord> {
    const result = await deliveries.createIfAbsent(delivery(overrides));
    return result.created ? result.delivery : result.existing;
  }

  it('creates a pending delivery keyed by conversion, endpoint and status', async () => {
    const input = delivery();

    const result = await deliveries.createIfAbsent(input);

    expect(result.created).toBe(true);
    const created = result.created ? result.delivery : result.existing;
    expect(created).toMatchObject({
      ...input,
      idempotencyKey: `${input.conversionId}:${input.endpointId}:approved`,
      state: 'pending',
      attempts: 0,
    });
    expect(created.nextAttemptAt).toBeInstanceOf(Date);
    expect(await deliveries.findById(created.id)).toEqual(created);
  });

  it('creates exactly one delivery when 20 identical creates race', async () => {
    const input = delivery();

    const results = await Promise.all(Array.from({ length: 20 }, () => deliveries.createIfAbsent(input)));

    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(
      new Set(results.map((result) => (result.created ? result.delivery.id : result.existing.id))).size,
    ).toBe(1);
  });

  it('keeps a separate delivery per status of the same conversion and endpoint', async () => {
    const approved = await create({ conversionId: newId(), endpointId: newId() });
    const rejected = await create({
      conversionId: approved.conversionId,
      endpointId: approved.endpointId,
      status: 'rejected',
    });

    expect(rejected.id).not.toBe(approved.id);
    expect(await deliveries.listByConversion(approved.conversionId)).toHaveLength(2);
  });

  it('walks the states: failed with a retry, delivered, counting attempts', async () => {
    const created = await create();
    const retryAt = new Date(Date.now() + 10_000);

    const failed = await deliveries.markFailed(created.id, {
      nextAttemptAt: retryAt,
      lastError: 'HTTP 503',
      statusCode: 503,
    });
    const delivered = await deliveries.markDelivered(created.id, { statusCode: 200 });

    expect(failed).toMatchObject({
      state: 'failed',
      attempts: 1,
      nextAttemptAt: retryAt,
      lastError: 'HTTP 503',
      lastStatusCode: 503,
    });
    expect(delivered).toMatchObject({ state: 'delivered', attempts: 2, lastStatusCode: 200 });
    expect(delivered?.deliveredAt).toBeInstanceOf(Date);
    expect(delivered).not.toHaveProperty('nextAttemptAt');
  });

  it('clears the last status code after a try that got no response', async () => {
    const created = await create();
    await deliveries.markFailed(created.id, {
      nextAttemptAt: new Date(),
      lastError: 'HTTP 502',
      statusCode: 502,
    });

    const timedOut = await deliveries.markFailed(created.id, {
      nextAttemptAt: new Date(),
      lastError: 'timeout',
    });

    expect(timedOut).toMatchObject({ attempts: 2, lastError: 'timeout' });
    expect(timedOut).not.toHaveProperty('lastStatusCode');
  });

  it('never lets a late failure overwrite a delivered delivery', async () => {
    const created = await create();
    await deliveries.markDelivered(created.id, { statusCode: 204 });

    const late = await deliveries.markFailed(created.id, { nextAttemptAt: new Date(), lastError: 'timeout' });
    const dead = await deliveries.markDead(created.id, { lastError: 'HTTP 400' });

    expect(late).toBeNull();
    expect(dead).toBeNull();
    expect((await deliveries.findById(created.id))?.state).toBe('delivered');
  });

  it('marks a delivery dead without counting an attempt when none was made', async () => {
    const created = await create();

    const dead = await deliveries.markDead(created.id, {
      lastError: 'endpoint disabled',
      countsAsAttempt: false,
    });

    expect(dead).toMatchObject({ state: 'dead', attempts: 0, lastError: 'endpoint disabled' });
    expect(dead).not.toHaveProperty('nextAttemptAt');
  });

  it('resets a dead delivery for replay, due now', async () => {
    const created = await create();
    await deliveries.markDead(created.id, { lastError: 'HTTP 404', statusCode: 404 });
    const now = new Date();

    const reset = await deliveries.resetForReplay(created.id, now);

    expect(reset).toMatchObject({ state: 'pending', nextAttemptAt: now, attempts: 1 });
    expect(await deliveries.resetForReplay(newId())).toBeNull();
  });

  it('claims only pending or failed deliveries overdue past the grace period', async () => {
    const now = new Date('2001-06-01T12:00:00.000Z');
    const overdue = await create({ nextAttemptAt: new Date('2001-06-01T11:00:00.000Z') });
    const failedOverdue = await create({ nextAttemptAt: new Date('2001-06-01T11:00:00.000Z') });
    await deliveries.markFailed(failedOverdue.id, {
      nextAttemptAt: new Date('2001-06-01T11:30:00.000Z'),
      lastError: 'HTTP 500',
    });
    const withinGrace = await create({ nextAttemptAt: new Date('2001-06-01T11:59:45.000Z') });
    const future = await create({ nextAttemptAt: new Date('2001-06-01T13:00:00.000Z') });
    const dead = await create({ nextAttemptAt: new Date('2001-06-01T11:00:00.000Z') });
    await deliveries.markDead(dead.id, { lastError: 'HTTP 410' });

    const claimed = await deliveries.claimDueForSweep(now, 10, { graceMs: 30_000, leaseMs: 60_000 });
    const reclaimed = await deliveries.claimDueForSweep(now, 10, { graceMs: 30_000 });

    expect(claimed).toEqual([
      { id: overdue.id, attempts: 0 },
      { id: failedOverdue.id, attempts: 1 },
    ]);
    expect(claimed.map((item) => item.id)).not.toContain(withinGrace.id);
    expect(claimed.map((item) => item.id)).not.toContain(future.id);
    expect(reclaimed).toEqual([]);
    expect((await deliveries.findById(overdue.id))?.nextAttemptAt).toEqual(
      new Date('2001-06-01T12:01:00.000Z'),
    );
  });

  it('respects the claim limit', async () => {
    const now = new Date('2000-01-01T00:00:00.000Z');
    for (let i = 0; i < 5; i += 1) {
      await create({ nextAttemptAt: new Date('1999-12-31T00:00:00.000Z') });
    }

    expect(await deliveries.claimDueForSweep(now, 3)).toHaveLength(3);
  });

  it('filters, counts and pages deliveries, and lists ids in batches for bulk replay', async () => {
    const endpointId = newId();
    const sourceId = newId();
    const created: DeliveryRecord[] = [];
    for (let i = 0; i < 120; i += 1) {
      created.push(await create({ endpointId, sourceId }));
    }
    for (const item of created.slice(0, 10)) {
      await deliveries.markDead(item.id, { lastError: 'HTTP 400' });
    }

    const pages = [await deliveries.list({ endpointId }, { limit: 50 })];
    while (pages[pages.length - 1].nextCursor) {
      pages.push(
        await deliveries.list({ endpointId }, { limit: 50, cursor: pages[pages.length - 1].nextCursor }),
      );
    }
    const batch1 = await deliveries.listIdsByFilter({ sourceId, state: 'dead' }, { limit: 6 });
    const batch2 = await deliveries.listIdsByFilter(
      { sourceId, state: 'dead' },
      { afterId: batch1[5], limit: 6 },
    );

    expect(pages.map((page) => page.items.length)).toEqual([50, 50, 20]);
    expect(new Set(pages.flatMap((page) => page.items.map((item) => item.id))).size).toBe(120);
    expect(await deliveries.countByFilter({ endpointId, state: 'dead' })).toBe(10);
    expect(await deliveries.countByFilter({ sourceId, state: ['pending', 'dead'] })).toBe(120);
    expect(await deliveries.countByFilter({ endpointId, from: new Date(Date.now() + 60_000) })).toBe(0);
    expect([...batch1, ...batch2]).toEqual(created.slice(0, 10).map((item) => item.id));
  });
});
