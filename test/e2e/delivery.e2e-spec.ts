import { eventually } from '../support/config';
import { Relay } from './relay.fixture';

interface DeliveryDetail {
  id: string;
  state: string;
  attempts: number;
  attemptLog: Array<{ attemptNo: number; statusCode?: number; trigger: string; errorClass?: string }>;
}

describe('forwarding failures, retries, replay and the trace', () => {
  let relay: Relay;
  beforeAll(async () => {
    relay = await Relay.start('e2e-delivery');
  });
  afterAll(() => relay?.close());

  async function convert(path: string, ext: string): Promise<{ clickId: string; deliveryId: string }> {
    const campaign = await relay.campaign({
      endpoints: [{ url: `${relay.receiver.url}${path}?visitor_id={ext_click_id}&payout={payout}` }],
    });
    const { clickId } = await relay.click(campaign, { ext_click_id: ext });
    const answer = await relay.postback(campaign.token, { cid: clickId, payout: '4.20', txid: ext });
    await relay.waitForPostbackOutcome(String(answer.body.postbackId), 'attributed');
    const [conversion] = await relay.conversionsOfClick(clickId);
    const [delivery] = await relay.deliveriesOf(String(conversion.id));
    return { clickId, deliveryId: delivery.id };
  }

  async function deliveryInState(id: string, state: string): Promise<DeliveryDetail> {
    let detail: DeliveryDetail | undefined;
    await eventually(`delivery ${id} ${state}`, async () => {
      detail = await relay.admin<DeliveryDetail>('GET', `/api/deliveries/${id}`);
      return detail.state === state;
    });
    return detail!;
  }

  it('delivers on attempt 3 after 500, 500, 200, with three attempt records', async () => {
    relay.receiver.respondWith({ status: 500 }, { status: 500 }, { status: 200 });
    const { deliveryId } = await convert('/flaky', 'flaky-1');
    const delivered = await deliveryInState(deliveryId, 'delivered');
    expect(delivered.attempts).toBe(3);
    expect(delivered.attemptLog.map((a) => [a.attemptNo, a.statusCode, a.trigger])).toEqual([
      [1, 500, 'first'],
      [2, 500, 'retry'],
      [3, 200, 'retry'],
    ]);
  });

  it('marks a 404 dead after one attempt, and a replay through the API delivers it; the trace tells it all', async () => {
    relay.receiver.respondWith({ status: 404 });
    const { clickId, deliveryId } = await convert('/missing', 'missing-1');
    const dead = await deliveryInState(deliveryId, 'dead');
    expect(dead.attemptLog.map((a) => [a.statusCode, a.errorClass])).toEqual([[404, 'http_4xx']]);
    const dead404Requests = relay.receiver.requests.filter((r) => r.path.startsWith('/missing'));
    expect(dead404Requests).toHaveLength(1);

    const deadList = await relay.admin<{ items: Array<{ id: string }> }>('GET', '/api/deliveries?state=dead');
    expect(deadList.items.map((d) => d.id)).toContain(deliveryId);

    const replay = await relay.http('POST', `/api/deliveries/${deliveryId}/replay`, { admin: true });
    expect(replay.status).toBe(202);
    const delivered = await deliveryInState(deliveryId, 'delivered');
    expect(delivered.attemptLog.map((a) => [a.attemptNo, a.statusCode, a.trigger])).toEqual([
      [1, 404, 'first'],
      [2, 200, 'manual'],
    ]);

    const trace = await relay.admin<{ entries: Array<{ kind: string }> }>(
      'GET',
      `/api/clicks/${clickId}/trace`,
    );
    const kinds = trace.entries.map((e) => e.kind);
    expect(kinds[0]).toBe('click');
    for (const kind of ['postback', 'conversion', 'delivery']) expect(kinds).toContain(kind);
    expect(kinds.filter((k) => k === 'attempt')).toHaveLength(2);
    expect(kinds.indexOf('postback')).toBeLessThan(kinds.indexOf('conversion'));
    expect(kinds.indexOf('conversion')).toBeLessThan(kinds.lastIndexOf('attempt'));
  });

  it('records what a disabled endpoint missed, refuses a replay while it is disabled, and after re-enabling a bulk replay delivers every conversion', async () => {
    relay.receiver.respondWith({ status: 410 });
    const campaign = await relay.campaign({
      endpoints: [{ url: `${relay.receiver.url}/gone?visitor_id={ext_click_id}` }],
    });
    const [endpointId] = campaign.endpointIds;
    const exts = ['gone-1', 'gone-2', 'gone-3', 'gone-4'];
    const deliveryIds: string[] = [];
    for (const ext of exts) {
      const { clickId } = await relay.click(campaign, { ext_click_id: ext });
      const answer = await relay.postback(campaign.token, { cid: clickId, payout: '1', txid: ext });
      await relay.waitForPostbackOutcome(String(answer.body.postbackId), 'attributed');
      const [conversion] = await relay.conversionsOfClick(clickId);
      let deliveries: Array<{ id: string }> = [];
      await eventually(`delivery of ${ext}`, async () => {
        deliveries = await relay.deliveriesOf(String(conversion.id));
        return deliveries.length === 1;
      });
      deliveryIds.push((await deliveryInState(deliveries[0].id, 'dead')).id);
    }
    // The first conversion's 410 disabled the endpoint: the other three were never sent, only recorded.
    expect(relay.receiver.requests.filter((r) => r.path.startsWith('/gone'))).toHaveLength(1);
    const missed = await relay.admin<{ attempts: number; lastError: string }>(
      'GET',
      `/api/deliveries/${deliveryIds[3]}`,
    );
    expect(missed).toMatchObject({ attempts: 0, lastError: 'endpoint disabled (HTTP 410 Gone)' });

    // Replaying one of them now is refused: nothing could be sent, and the record stays as it was.
    const refused = await relay.http('POST', `/api/deliveries/${deliveryIds[0]}/replay`, { admin: true });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'ENDPOINT_DISABLED' });
    expect(String(refused.body.message)).toContain(endpointId);
    expect(await relay.admin('GET', `/api/deliveries/${deliveryIds[0]}`)).toMatchObject({
      state: 'dead',
      attempts: 1,
      lastStatusCode: 410,
    });

    await relay.admin('POST', `/api/sources/${campaign.sourceId}/endpoints/${endpointId}/enable`);
    const replay = await relay.admin<{ matched: number; replayId: string }>(
      'POST',
      '/api/deliveries/replay',
      {
        endpointId,
        state: 'dead',
      },
    );
    expect(replay.matched).toBe(4);
    for (const id of deliveryIds) await deliveryInState(id, 'delivered');
    const visitors = relay.receiver.requests
      .filter((r) => r.path.startsWith('/gone'))
      .map((r) => Relay.query(r).get('visitor_id'));
    expect(visitors.slice(1).sort()).toEqual(exts);
  });

  it('waits at least the Retry-After of a 429 before the next attempt', async () => {
    relay.receiver.respondWith({ status: 429, headers: { 'Retry-After': '2' } }, { status: 200 });
    const { deliveryId } = await convert('/busy', 'busy-1');
    const delivered = await deliveryInState(deliveryId, 'delivered');
    const busy = relay.receiver.requests.filter((r) => r.path.startsWith('/busy'));
    expect(busy).toHaveLength(2);
    expect(busy[1].receivedAt.getTime() - busy[0].receivedAt.getTime()).toBeGreaterThanOrEqual(2_000);
    expect(delivered.attemptLog.map((a) => a.statusCode)).toEqual([429, 200]);
  });
});
