import { randomUUID } from 'node:crypto';
import { AttributionProducer } from '@ricochet/queue';
import { BackfillRunStore } from '@ricochet/forwarding';
import { eventually } from '../support/config';
import type { RecordedRequest } from '../support/receiver';
import { type Campaign, type HttpResult, Relay } from './relay.fixture';

interface Progress {
  backfillId: string;
  matched: number;
  processed: number;
  created: number;
  skipped: number;
  done: boolean;
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

interface Conversion {
  id: string;
  payout: string;
  status: string;
}

interface Delivery {
  id: string;
  conversionId: string;
  state: string;
}

interface SourceAnswer {
  endpoints: Array<{ id: string; url: string }>;
}

describe('backfill: forwarding past conversions to an endpoint added later', () => {
  let relay: Relay;
  let campaign: Campaign;
  /** ext_click_id → the conversion it made (approved ones only). */
  const approved = new Map<string, Conversion>();
  let pendingId: string;
  let liveId: string;
  let freshId: string;
  let disabledId: string;
  let laterId: string;
  const range = { from: '', to: '' };

  const liveUrl = (): string => `${relay.receiver.url}/live?visitor_id={ext_click_id}`;
  const freshUrl = (): string =>
    `${relay.receiver.url}/fresh?visitor_id={ext_click_id}&payout={payout}&status={status}&conv={conversion_id}`;
  const requestsTo = (path: string): RecordedRequest[] =>
    relay.receiver.requests.filter((request) => request.path.startsWith(`${path}?`));

  function backfill(body: Record<string, unknown>): Promise<HttpResult> {
    return relay.http('POST', '/api/backfills', {
      admin: true,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  }

  async function finished(backfillId: string): Promise<Progress> {
    let progress: Progress | undefined;
    await eventually(
      `backfill ${backfillId} done`,
      async () => {
        progress = await relay.admin<Progress>('GET', `/api/backfills/${backfillId}`);
        return progress.done;
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    return progress!;
  }

  async function deliveriesOf(endpointId: string): Promise<Delivery[]> {
    const page = await relay.admin<{ items: Delivery[] }>(
      'GET',
      `/api/deliveries?endpointId=${endpointId}&limit=200`,
    );
    return page.items;
  }

  async function convert(target: Campaign, ext: string, params: Record<string, string>): Promise<Conversion> {
    const { clickId } = await relay.click(target, { ext_click_id: ext });
    const answer = await relay.postback(target.token, { cid: clickId, txid: ext, ...params });
    const postback = await relay.waitForPostbackOutcome(String(answer.body.postbackId), 'attributed');
    return relay.admin<Conversion>('GET', `/api/conversions/${String(postback.conversionId)}`);
  }

  beforeAll(async () => {
    relay = await Relay.start('e2e-backfill');
    range.from = new Date(Date.now() - 60_000).toISOString();
    campaign = await relay.campaign({ endpoints: [{ url: liveUrl() }] });
    [liveId] = campaign.endpointIds;
    for (let i = 1; i <= 5; i += 1) {
      const ext = `bf-${i}`;
      approved.set(ext, await convert(campaign, ext, { payout: `${i}.25` }));
    }
    pendingId = (await convert(campaign, 'bf-pending', { payout: '9', status: 'pending' })).id;
    // The live pipeline forwarded the approved ones to the only endpoint there was.
    await eventually('live forwards', () => Promise.resolve(requestsTo('/live').length === 5));

    // Later, the source gets a new endpoint, and a disabled one.
    const source = await relay.admin<SourceAnswer>('PATCH', `/api/sources/${campaign.sourceId}`, {
      endpoints: [
        { id: liveId, url: liveUrl() },
        { url: freshUrl() },
        { url: `${relay.receiver.url}/disabled?visitor_id={ext_click_id}`, enabled: false },
        { url: `${relay.receiver.url}/later?visitor_id={ext_click_id}` },
      ],
    });
    [, freshId, disabledId, laterId] = source.endpoints.map((endpoint) => endpoint.id);
    range.to = new Date(Date.now() + 3_600_000).toISOString();
  });

  afterAll(() => relay?.close());

  it('refuses a bad range, an unknown source or endpoint, a status the endpoint never forwards, and a disabled endpoint', async () => {
    const base = { sourceId: campaign.sourceId, endpointId: freshId, ...range };

    const backwards = await backfill({ ...base, from: range.to, to: range.from });
    expect(backwards.status).toBe(400);
    expect(backwards.body).toMatchObject({ code: 'INVALID_TIME_RANGE', param: 'to' });

    const tooLong = await backfill({ ...base, from: '2025-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ code: 'RANGE_TOO_LONG', param: 'to' });
    expect(String(tooLong.body.message)).toContain('366 days');

    const badDate = await backfill({ ...base, from: 'yesterday' });
    expect(badDate.status).toBe(400);
    expect(badDate.body).toMatchObject({ code: 'VALIDATION_FAILED', param: 'from' });

    const malformed = await backfill({ ...base, sourceId: 'nope' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'VALIDATION_FAILED', param: 'sourceId' });

    const noSource = await backfill({ ...base, sourceId: '665f1c2e8b3d4a0000000000' });
    expect(noSource.status).toBe(404);
    expect(noSource.body).toMatchObject({ code: 'SOURCE_NOT_FOUND', param: 'sourceId' });

    const noEndpoint = await backfill({ ...base, endpointId: '665f1c2e8b3d4a0000000000' });
    expect(noEndpoint.status).toBe(404);
    expect(noEndpoint.body).toMatchObject({ code: 'ENDPOINT_NOT_FOUND', param: 'endpointId' });

    const wrongStatus = await backfill({ ...base, statuses: ['pending'] });
    expect(wrongStatus.status).toBe(400);
    expect(wrongStatus.body).toMatchObject({ code: 'STATUS_NOT_FORWARDED', param: 'statuses' });

    const disabled = await backfill({ ...base, endpointId: disabledId });
    expect(disabled.status).toBe(409);
    expect(disabled.body).toMatchObject({ code: 'ENDPOINT_DISABLED', param: 'endpointId' });
    expect(String(disabled.body.message)).toContain(`/endpoints/${disabledId}/enable`);
    // Counting is harmless: a dry run of the disabled endpoint still answers.
    const disabledCount = await backfill({ ...base, endpointId: disabledId, dryRun: true });
    expect(disabledCount).toMatchObject({ status: 200, body: { matched: 5 } });

    const unknownRun = await relay.http('GET', `/api/backfills/${randomUUID()}`, { admin: true });
    expect(unknownRun.status).toBe(404);
    expect(unknownRun.body).toMatchObject({ code: 'NOT_FOUND' });
    expect(await deliveriesOf(disabledId)).toEqual([]);
  });

  it('counts in a dry run: the approved conversions of the range, creating and sending nothing', async () => {
    const base = { sourceId: campaign.sourceId, endpointId: freshId, dryRun: true };
    const count = await backfill({ ...base, ...range });
    expect(count.status).toBe(200);
    expect(count.body).toEqual({ matched: 5 });
    const before = await backfill({
      ...base,
      from: new Date(Date.parse(range.from) - 3_600_000).toISOString(),
      to: range.from,
    });
    expect(before.body).toEqual({ matched: 0 });
    expect(await deliveriesOf(freshId)).toEqual([]);
    expect(requestsTo('/fresh')).toHaveLength(0);
  });

  it('forwards every matching conversion exactly once, with its own values, through the delivery queue', async () => {
    const started = await backfill({ sourceId: campaign.sourceId, endpointId: freshId, ...range });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ matched: 5, backfillId: expect.any(String) });

    const progress = await finished(String(started.body.backfillId));
    expect(progress).toMatchObject({ matched: 5, processed: 5, created: 5, skipped: 0, done: true });
    expect(progress.error).toBeUndefined();
    expect(Date.parse(progress.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(progress.startedAt));

    let deliveries: Delivery[] = [];
    await eventually('fresh deliveries delivered', async () => {
      deliveries = await deliveriesOf(freshId);
      return deliveries.length === 5 && deliveries.every((delivery) => delivery.state === 'delivered');
    });
    const forwarded = requestsTo('/fresh');
    expect(forwarded).toHaveLength(5);
    const seen = forwarded.map((request) => {
      const query = Relay.query(request);
      return {
        ext: query.get('visitor_id'),
        payout: query.get('payout'),
        status: query.get('status'),
        conv: query.get('conv'),
        key: request.headers['idempotency-key'],
      };
    });
    const expected = [...approved.entries()].map(([ext, conversion]) => ({
      ext,
      payout: conversion.payout,
      status: 'approved',
      conv: conversion.id,
      key: deliveries.find((delivery) => delivery.conversionId === conversion.id)?.id,
    }));
    const byExt = (a: { ext: string | null }, b: { ext: string | null }): number =>
      String(a.ext).localeCompare(String(b.ext));
    expect(seen.sort(byExt)).toEqual(expected.sort(byExt));
    expect(deliveries.map((delivery) => delivery.conversionId)).not.toContain(pendingId);
  });

  it('creates nothing on a second run: every match is skipped', async () => {
    const again = await backfill({ sourceId: campaign.sourceId, endpointId: freshId, ...range });
    expect(again.status).toBe(202);
    const progress = await finished(String(again.body.backfillId));
    expect(progress).toMatchObject({ matched: 5, processed: 5, created: 0, skipped: 5, done: true });
    expect(await deliveriesOf(freshId)).toHaveLength(5);
    expect(requestsTo('/fresh')).toHaveLength(5);
  });

  it('recognises the deliveries the live pipeline made: backfilling the original endpoint skips them all', async () => {
    const started = await backfill({ sourceId: campaign.sourceId, endpointId: liveId, ...range });
    const progress = await finished(String(started.body.backfillId));
    expect(progress).toMatchObject({ matched: 5, created: 0, skipped: 5 });
    expect(await deliveriesOf(liveId)).toHaveLength(5);
    expect(requestsTo('/live')).toHaveLength(5);
  });

  it('resumes a run from its checkpoint: conversions before it are not walked again', async () => {
    // A run interrupted after its first conversions: the walk goes newest first, so its checkpoint is
    // the id of the last one handled, and only the older ones are left.
    const newestFirst = [...approved.values()].sort((a, b) => b.id.localeCompare(a.id));
    const runs = relay.gateway.get(BackfillRunStore);
    const runId = randomUUID();
    await runs.start(
      runId,
      {
        sourceId: campaign.sourceId,
        endpointId: laterId,
        from: range.from,
        to: range.to,
        until: new Date().toISOString(),
        statuses: ['approved'],
      },
      5,
      new Date(),
    );
    await runs.checkpoint(runId, { cursor: newestFirst[1].id, created: 2, skipped: 0 });
    await relay.gateway.get(AttributionProducer).backfill(runId);

    const progress = await finished(runId);
    expect(progress).toMatchObject({ matched: 5, processed: 5, created: 5, skipped: 0 });
    await eventually('later forwards', () => Promise.resolve(requestsTo('/later').length === 3));
    const sent = requestsTo('/later').map((request) => Relay.query(request).get('visitor_id'));
    const older = new Set(newestFirst.slice(2).map((conversion) => conversion.id));
    const expected = [...approved.entries()].filter(([, c]) => older.has(c.id)).map(([ext]) => ext);
    expect(sent.sort()).toEqual(expected.sort());
  });

  it("honours the endpoint's maxRps", async () => {
    const maxRps = 4;
    const count = 12;
    const quiet = await relay.campaign({ endpoints: [] });
    for (let i = 0; i < count; i += 1) await convert(quiet, `paced-${i}`, { payout: '1' });
    const source = await relay.admin<SourceAnswer>('PATCH', `/api/sources/${quiet.sourceId}`, {
      endpoints: [{ url: `${relay.receiver.url}/paced?visitor_id={ext_click_id}`, maxRps }],
    });
    const started = await backfill({
      sourceId: quiet.sourceId,
      endpointId: source.endpoints[0].id,
      from: range.from,
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(started.body).toMatchObject({ matched: count });
    await finished(String(started.body.backfillId));
    await eventually('paced forwards', () => Promise.resolve(requestsTo('/paced').length === count), {
      timeoutMs: 20_000,
    });

    const times = requestsTo('/paced')
      .map((request) => request.receivedAt.getTime())
      .sort((a, b) => a - b);
    // The token bucket allows a burst of one second's worth, then maxRps: at most maxRps + burst in any
    // second (one more for clock jitter). Unthrottled, all twelve would arrive within milliseconds.
    let busiestSecond = 0;
    for (let i = 0; i < times.length; i += 1) {
      const inWindow = times.filter((t) => t >= times[i] && t < times[i] + 1_000).length;
      busiestSecond = Math.max(busiestSecond, inWindow);
    }
    expect(busiestSecond).toBeLessThanOrEqual(2 * maxRps + 1);
    // Twelve requests at 4/s after a burst of 4 take at least two seconds; allow a quarter of slack.
    expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(1_500);
    expect(new Set(requestsTo('/paced').map((r) => Relay.query(r).get('visitor_id'))).size).toBe(count);
  });
});
