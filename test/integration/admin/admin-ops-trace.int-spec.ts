import {
  type AdminOpsFixture,
  createConversion,
  createDelivery,
  newChain,
  openAdminOps,
} from './admin-ops.fixture';

describe('admin click trace', () => {
  let fx: AdminOpsFixture;
  const chain = newChain();

  beforeAll(async () => {
    fx = await openAdminOps('admin ops trace');
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('tells a click’s story in time order: postbacks, conversion and its status change, delivery, attempts', async () => {
    const now = Date.now();
    await fx.clicks.recordClick({ ...chain, clickId: 'trace-1', createdAt: new Date(now - 600_000) });
    const pending = await fx.postbacks.recordPostback({
      advertiserId: chain.advertiserId,
      params: { click_id: 'trace-1', status: 'lead' },
      method: 'GET',
      receivedAt: new Date(now - 300_000),
      outcome: 'attributed',
      normalized: { clickId: 'trace-1', status: 'pending', event: 'conversion' },
    });
    const approved = await fx.postbacks.recordPostback({
      advertiserId: chain.advertiserId,
      params: { click_id: 'trace-1', status: 'sale', payout: '12.50' },
      method: 'GET',
      receivedAt: new Date(now - 240_000),
      outcome: 'attributed',
      normalized: { clickId: 'trace-1', status: 'approved', event: 'conversion', payout: 12_500_000 },
    });
    const conversion = await createConversion(fx, chain, {
      clickId: 'trace-1',
      status: 'pending',
      postbackId: pending.id,
    });
    const changed = await fx.conversions.transitionStatus(conversion.id, 'pending', 'approved', {
      by: 'postback',
      postbackId: approved.id,
    });
    expect(changed?.status).toBe('approved');
    const delivery = await createDelivery(fx, changed!, 'failed');
    const started = delivery.createdAt.getTime();
    for (const [attemptNo, statusCode] of [
      [2, 200],
      [1, 503],
    ]) {
      await fx.attempts.recordAttempt({
        deliveryId: delivery.id,
        attemptNo,
        trigger: attemptNo === 1 ? 'first' : 'retry',
        url: 'https://tracker.example/pb?cid=trace-1',
        method: 'GET',
        statusCode,
        durationMs: 20,
        startedAt: new Date(started + attemptNo * 1000),
      });
    }
    // Another click's records stay out of this trace.
    await createConversion(fx, chain, { clickId: 'trace-other' });

    const response = await fx.api('GET', '/api/clicks/trace-1/trace');

    expect(response.status).toBe(200);
    const entries = response.body.entries as { at: string; kind: string; id: string; summary: string }[];
    expect(entries.map((entry) => [entry.kind, entry.id])).toEqual([
      ['click', 'trace-1'],
      ['postback', pending.id],
      ['postback', approved.id],
      ['conversion', conversion.id],
      ['status-change', conversion.id],
      ['delivery', delivery.id],
      ['attempt', expect.any(String)],
      ['attempt', expect.any(String)],
    ]);
    const times = entries.map((entry) => Date.parse(entry.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(entries[2].summary).toBe('postback attributed (approved, event conversion, payout 12.50)');
    expect(entries[4].summary).toBe('conversion pending → approved by postback');
    expect(entries[6].summary).toContain('attempt 1 (first)');
    expect(entries[6].summary).toContain('HTTP 503');
    expect(entries[7].summary).toContain('attempt 2 (retry)');
  });

  it('traces a click id we never recorded when postbacks named it, and 404s one nobody named', async () => {
    await fx.postbacks.recordPostback({
      advertiserId: chain.advertiserId,
      params: { click_id: 'ghost' },
      method: 'GET',
      outcome: 'unattributed',
      normalized: { clickId: 'ghost', status: 'approved', event: 'conversion' },
    });
    const ghost = await fx.api('GET', '/api/clicks/ghost/trace');
    expect(ghost.status).toBe(200);
    expect(ghost.body.entries.map((entry: { kind: string }) => entry.kind)).toEqual(['postback']);
    const nobody = await fx.api('GET', '/api/clicks/nobody/trace');
    expect(nobody.status).toBe(404);
    expect(nobody.body.code).toBe('NOT_FOUND');
  });
});
