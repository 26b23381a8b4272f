import type { ConversionStatus } from '@ricochet/domain/model';
import type { ConversionRecord, EndpointRecord } from '@ricochet/persistence';
import { backfillDelivery, backfillFires, isReversal, mapLimited } from './backfill-selection';

const ENDPOINT: EndpointRecord = {
  id: '665f1c2e8b3d4a00aaaa0001',
  url: 'https://partner.example/pb?c={ext_click_id}',
  method: 'GET',
  bodyFormat: 'json',
  headers: {},
  events: ['*'],
  statuses: ['approved'],
  fireOnce: true,
  enabled: true,
};

function conversion(
  status: ConversionStatus,
  history: Array<[ConversionStatus, string]>,
  event = 'conversion',
): Pick<ConversionRecord, 'id' | 'sourceId' | 'status' | 'history' | 'createdAt' | 'event'> {
  return {
    id: '665f1c2e8b3d4a00cccc0001',
    sourceId: '665f1c2e8b3d4a00bbbb0001',
    status,
    event,
    history: history.map(([entry, at]) => ({ status: entry, at: new Date(at), by: 'postback' })),
    createdAt: new Date(history[0][1]),
  };
}

describe('backfillFires', () => {
  it('fires for a matching status even when the endpoint already has that very delivery', () => {
    const approved = conversion('approved', [['approved', '2026-11-02T10:00:00Z']]);
    expect(backfillFires(ENDPOINT, approved, [])).toBe(true);
    expect(backfillFires(ENDPOINT, approved, ['approved'])).toBe(true);
  });

  it('does not fire for a status, an event or (fireOnce) a conversion the endpoint does not want', () => {
    const pending = conversion('pending', [['pending', '2026-11-02T10:00:00Z']]);
    expect(backfillFires(ENDPOINT, pending, [])).toBe(false);
    const ftd = conversion('approved', [['approved', '2026-11-02T10:00:00Z']], 'ftd');
    expect(backfillFires({ ...ENDPOINT, events: ['sale'] }, ftd, [])).toBe(false);
    const both = { ...ENDPOINT, statuses: ['pending', 'approved'] as ConversionStatus[] };
    const moved = conversion('approved', [
      ['pending', '2026-11-02T10:00:00Z'],
      ['approved', '2026-11-03T10:00:00Z'],
    ]);
    expect(backfillFires(both, moved, ['pending'])).toBe(false);
    expect(backfillFires({ ...both, fireOnce: false }, moved, ['pending'])).toBe(true);
  });

  it('judges a disabled endpoint as if enabled (the caller decides)', () => {
    const approved = conversion('approved', [['approved', '2026-11-02T10:00:00Z']]);
    expect(backfillFires({ ...ENDPOINT, enabled: false }, approved, [])).toBe(true);
  });

  it('tells a rejected listener of a reversal even after the approval was forwarded', () => {
    const reversed = conversion('rejected', [
      ['approved', '2026-11-02T10:00:00Z'],
      ['rejected', '2026-11-05T10:00:00Z'],
    ]);
    const listener = { ...ENDPOINT, statuses: ['approved', 'rejected'] as ConversionStatus[] };
    expect(isReversal(reversed)).toBe(true);
    expect(backfillFires(listener, reversed, ['approved'])).toBe(true);
    const refused = conversion('rejected', [
      ['pending', '2026-11-02T10:00:00Z'],
      ['rejected', '2026-11-05T10:00:00Z'],
    ]);
    expect(isReversal(refused)).toBe(false);
    expect(backfillFires({ ...listener, statuses: ['pending', 'rejected'] }, refused, ['pending'])).toBe(
      false,
    );
  });
});

describe('backfillDelivery', () => {
  it("derives the planner's id: the key's hash behind the time the conversion entered its status", () => {
    const moved = conversion('approved', [
      ['pending', '2026-11-02T10:00:00Z'],
      ['approved', '2026-11-03T10:00:00Z'],
    ]);
    const delivery = backfillDelivery(moved, ENDPOINT.id);
    expect(delivery).toMatchObject({
      conversionId: moved.id,
      endpointId: ENDPOINT.id,
      sourceId: moved.sourceId,
      status: 'approved',
    });
    const seconds = Date.parse('2026-11-03T10:00:00Z') / 1000;
    expect(delivery.id.slice(0, 8)).toBe(seconds.toString(16));
    expect(backfillDelivery(moved, ENDPOINT.id).id).toBe(delivery.id);
    expect(backfillDelivery(moved, '665f1c2e8b3d4a00aaaa0002').id).not.toBe(delivery.id);
  });
});

describe('mapLimited', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimited([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});
