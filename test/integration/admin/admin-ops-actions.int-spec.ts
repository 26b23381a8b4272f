import { getConnectionToken } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  type AdminOpsFixture,
  createConversion,
  createDelivery,
  newChain,
  newId,
  openAdminOps,
} from './admin-ops.fixture';

describe('admin actions: replays and manual status changes', () => {
  let fx: AdminOpsFixture;
  const chain = newChain();

  beforeAll(async () => {
    fx = await openAdminOps('admin ops actions');
  });

  afterAll(async () => {
    await fx?.close();
  });

  async function queuedDeliveryIds(): Promise<string[]> {
    const jobs = await fx.queue('delivery').getJobs(['waiting', 'delayed', 'prioritized']);
    return jobs.map((job) => (job.data as { deliveryId: string }).deliveryId);
  }

  /** A source with one endpoint, created through the config API; `disabled` switches it off in MongoDB. */
  async function sourceWithEndpoint(disabled = false): Promise<{ sourceId: string; endpointId: string }> {
    const created = await fx.api('POST', '/api/sources', {
      name: 'Replay source',
      endpoints: [{ url: 'https://partner.example.com/pb?c={ext_click_id}' }],
    });
    const body = created.body as { id: string; endpoints: Array<{ id: string }> };
    const endpointId = body.endpoints[0].id;
    if (disabled) {
      await fx.app
        .get(getConnectionToken())
        .collection('sources')
        .updateOne(
          { _id: new Types.ObjectId(body.id) },
          { $set: { 'endpoints.0.enabled': false, 'endpoints.0.disabledReason': 'HTTP 410 Gone' } },
        );
    }
    return { sourceId: body.id, endpointId };
  }

  it('replays a dead delivery: pending again and a manual job on the delivery queue', async () => {
    const { sourceId, endpointId } = await sourceWithEndpoint();
    const conversion = await createConversion(fx, newChain({ sourceId }), { clickId: 'replay-1' });
    const dead = await createDelivery(fx, conversion, 'dead', endpointId);

    const response = await fx.api('POST', `/api/deliveries/${dead.id}/replay`);

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ deliveryId: dead.id, state: 'pending' });
    expect((await fx.deliveries.findById(dead.id))?.state).toBe('pending');
    const jobs = await fx.queue('delivery').getJobs(['waiting', 'delayed', 'prioritized']);
    const job = jobs.find((candidate) => candidate.data.deliveryId === dead.id);
    expect(job?.data).toEqual({ deliveryId: dead.id, trigger: 'manual' });
    expect(job?.id).toBe(`dl_${dead.id}`);
    expect((await fx.api('POST', `/api/deliveries/${newId()}/replay`)).status).toBe(404);
  });

  it('refuses to replay a delivery whose endpoint is disabled, and leaves it as it was', async () => {
    const { sourceId, endpointId } = await sourceWithEndpoint(true);
    const conversion = await createConversion(fx, newChain({ sourceId }), { clickId: 'replay-off' });
    const dead = await createDelivery(fx, conversion, 'dead', endpointId);
    const before = await queuedDeliveryIds();

    const response = await fx.api('POST', `/api/deliveries/${dead.id}/replay`);

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'ENDPOINT_DISABLED' });
    expect(String((response.body as { message: string }).message)).toContain('HTTP 410 Gone');
    expect(await fx.deliveries.findById(dead.id)).toMatchObject({ state: 'dead', lastStatusCode: 400 });
    expect(await queuedDeliveryIds()).toEqual(before);

    const orphan = await createDelivery(fx, conversion, 'dead');
    const gone = await fx.api('POST', `/api/deliveries/${orphan.id}/replay`);
    expect(gone.status).toBe(409);
    expect(gone.body).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
  });

  it('counts a bulk replay on a dry run and replays nothing', async () => {
    const endpointId = newId();
    const conversion = await createConversion(fx, chain, { clickId: 'bulk-dry' });
    await createDelivery(fx, conversion, 'dead', endpointId);
    const before = await queuedDeliveryIds();

    const response = await fx.api('POST', '/api/deliveries/replay', {
      endpointId,
      state: 'dead',
      dryRun: true,
    });

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ matched: 1 });
    expect(await queuedDeliveryIds()).toEqual(before);
  });

  it('hands a bulk replay to the worker as one resumable job, with progress readable from the API', async () => {
    const sourceId = newId();
    const bulkChain = newChain({ sourceId });
    for (let i = 0; i < 3; i += 1) {
      const conversion = await createConversion(fx, bulkChain, { clickId: `bulk-${i}` });
      await createDelivery(fx, conversion, 'dead');
      await createDelivery(fx, conversion, 'delivered');
    }

    const started = await fx.api('POST', '/api/deliveries/replay', {
      sourceId,
      state: 'dead',
      from: '2000-01-01T00:00:00Z',
    });

    expect(started.status).toBe(202);
    expect(started.body).toEqual({ matched: 3, replayId: expect.any(String) });
    const job = await fx.queue('attribution').getJob(`replay_${started.body.replayId}`);
    expect(job?.name).toBe('bulk-replay');
    expect(job?.data).toEqual({ runId: started.body.replayId });
    const progress = await fx.api('GET', `/api/deliveries/replay/${started.body.replayId}`);
    expect(progress.status).toBe(200);
    expect(progress.body).toEqual({
      replayId: started.body.replayId,
      matched: 3,
      enqueued: 0,
      done: false,
      startedAt: expect.any(String),
    });
    expect((await fx.api('GET', '/api/deliveries/replay/unknown')).status).toBe(404);
  });

  it('replays a postback: accepted again and an attribution job queued', async () => {
    const postback = await fx.postbacks.recordPostback({
      advertiserId: chain.advertiserId,
      params: { click_id: 'late-click' },
      method: 'GET',
      outcome: 'unattributed',
      normalized: { clickId: 'late-click', status: 'approved', event: 'conversion' },
    });

    const response = await fx.api('POST', `/api/postbacks/${postback.id}/replay`);

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ postbackId: postback.id, outcome: 'accepted' });
    expect((await fx.postbacks.findById(postback.id))?.outcome).toBe('accepted');
    const job = await fx.queue('attribution').getJob(`pb_${postback.id}`);
    expect(job?.data).toEqual({ postbackId: postback.id });
    expect((await fx.api('POST', '/api/postbacks/nope/replay')).status).toBe(404);
  });

  it('reverses an approved conversion by hand and queues the delivery plan', async () => {
    const conversion = await createConversion(fx, chain, { clickId: 'manual-1', status: 'approved' });

    const response = await fx.api('POST', `/api/conversions/${conversion.id}/status`, {
      status: 'rejected',
      note: 'chargeback #4411',
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: conversion.id, status: 'rejected', revenue: '12.50' });
    expect(response.body.history.at(-1)).toMatchObject({
      status: 'rejected',
      by: 'admin',
      note: 'chargeback #4411',
    });
    const job = await fx.queue('attribution').getJob(`plan_${conversion.id}`);
    expect(job?.data).toEqual({ conversionId: conversion.id });
    // The durable marker the sweeper honours if that job is lost.
    const stored = await fx.conversions.findById(conversion.id);
    expect(stored?.pendingPlans).toEqual([
      { status: 'rejected', reversal: true, at: stored?.history.at(-1)?.at },
    ]);
  });

  it('refuses rejected → approved with 409 INVALID_TRANSITION naming both statuses', async () => {
    const conversion = await createConversion(fx, chain, { clickId: 'manual-2', status: 'rejected' });

    const response = await fx.api('POST', `/api/conversions/${conversion.id}/status`, { status: 'approved' });

    expect(response.status).toBe(409);
    expect(response.body.code).toBe('INVALID_TRANSITION');
    expect(response.body.message).toContain('"rejected" to "approved"');
    expect((await fx.conversions.findById(conversion.id))?.status).toBe('rejected');
    expect(await fx.queue('attribution').getJob(`plan_${conversion.id}`)).toBeUndefined();
  });

  it('validates the status body and 404s an unknown conversion', async () => {
    const conversion = await createConversion(fx, chain, { clickId: 'manual-3', status: 'pending' });
    const bad = await fx.api('POST', `/api/conversions/${conversion.id}/status`, { status: 'paid' });
    expect(bad.status).toBe(400);
    expect(bad.body.param).toBe('status');
    const same = await fx.api('POST', `/api/conversions/${conversion.id}/status`, { status: 'pending' });
    expect(same.status).toBe(200);
    expect(same.body.history).toHaveLength(1);
    expect((await fx.api('POST', `/api/conversions/${newId()}/status`, { status: 'approved' })).status).toBe(
      404,
    );
  });
});
