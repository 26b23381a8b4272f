import type { ConversionRecord, DeliveryRecord, PostbackRecord } from '@ricochet/persistence';
import { toTraceEntries } from './click-trace.mapper';

const at = new Date('2026-11-24T06:50:00.000Z');
const later = new Date('2026-11-24T06:50:01.000Z');

const conversion: ConversionRecord = {
  id: 'cv1',
  clickId: 'c1',
  offerId: 'o1',
  sourceId: 's1',
  advertiserId: 'a1',
  event: 'conversion',
  status: 'rejected',
  revenue: 12_500_000,
  payout: 10_000_000,
  currency: 'USD',
  history: [
    { status: 'approved', at, by: 'postback', postbackId: 'pb1' },
    { status: 'rejected', at: later, by: 'admin', note: 'chargeback' },
  ],
  pendingPlans: [],
  dedupKey: 'ev:c1:conversion',
  createdAt: at,
  updatedAt: later,
};

const postback: PostbackRecord = {
  id: 'pb1',
  advertiserId: 'a1',
  params: { click_id: 'c1', token: 'secret' },
  method: 'GET',
  receivedAt: at,
  outcome: 'attributed',
  attributionAttempts: 1,
};

const delivery: DeliveryRecord = {
  id: 'd1',
  conversionId: 'cv1',
  endpointId: 'e1',
  sourceId: 's1',
  status: 'approved',
  idempotencyKey: 'cv1:e1:approved',
  state: 'delivered',
  attempts: 1,
  createdAt: at,
  updatedAt: at,
};

describe('toTraceEntries', () => {
  it('keeps the causal order for steps recorded in the same millisecond', () => {
    const entries = toTraceEntries({
      click: null,
      postbacks: [postback],
      conversions: [conversion],
      deliveries: [delivery],
      attempts: [],
    });
    expect(entries.map((entry) => entry.kind)).toEqual([
      'postback',
      'conversion',
      'delivery',
      'status-change',
    ]);
  });

  it('describes status changes with who made them and why', () => {
    const entries = toTraceEntries({
      click: null,
      postbacks: [],
      conversions: [conversion],
      deliveries: [],
      attempts: [],
    });
    expect(entries.map((entry) => entry.summary)).toEqual([
      'conversion "conversion" created approved, revenue 12.50, payout 10.00 USD',
      'conversion approved → rejected by admin: chargeback',
    ]);
  });

  it('never shows the postback token in trace data', () => {
    const [entry] = toTraceEntries({
      click: null,
      postbacks: [postback],
      conversions: [],
      deliveries: [],
      attempts: [],
    });
    expect(entry.data).toMatchObject({ params: { click_id: 'c1', token: '[redacted]' } });
  });
});
