import { eventually } from '../../support/config';
import {
  ADMIN_KEY,
  type Campaign,
  type Pipeline,
  attributed,
  click,
  postback,
  seedCampaign,
  settled,
  startPipeline,
} from './pipeline.fixture';

describe('attribution pipeline', () => {
  let p: Pipeline;
  let c: Campaign;

  beforeAll(async () => {
    p = await startPipeline('attribution');
    c = await seedCampaign(p, { statuses: ['pending', 'approved', 'rejected'] });
  });

  afterAll(async () => {
    await p?.close();
  });

  it('attributes a Voluum-style postback and creates one delivery', async () => {
    const clickId = await click(p, c);
    const record = await attributed(p, c, `cid=${clickId}&payout=12.50&txid=V1`);
    expect(record.outcome).toBe('attributed');
    const conversion = await p.repos.conversions.findById(record.conversionId ?? '');
    expect(conversion).toMatchObject({
      status: 'approved',
      revenue: 12_500_000,
      payout: 12_500_000,
      currency: 'USD',
    });
    await eventually(
      'delivery created',
      async () => (await p.repos.deliveries.listByConversion(conversion?.id ?? '')).length === 1,
    );
  });

  it('turns 100 concurrent identical postbacks into one conversion and one delivery', async () => {
    const clickId = await click(p, c);
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => postback(p, c, `cid=${clickId}&payout=1&txid=DUP-1`)),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const ids = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { postbackId: string }).postbackId),
    );
    const outcomes = await Promise.all(ids.map((id) => settled(p, id, 20_000)));
    expect(outcomes.filter((o) => o.outcome === 'attributed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(99);
    const conversions = await p.repos.conversions.listByClickId(clickId);
    expect(conversions).toHaveLength(1);
    expect(await p.repos.deliveries.listByConversion(conversions[0].id)).toHaveLength(1);
  });

  it('moves pending → approved → rejected and refuses rejected → approved', async () => {
    const clickId = await click(p, c);
    const pending = await attributed(p, c, `subid=${clickId}&tid=K1&status=pending`);
    expect(pending.outcome).toBe('attributed');
    expect((await attributed(p, c, `subid=${clickId}&tid=K1&status=approved`)).outcome).toBe('attributed');
    expect((await attributed(p, c, `subid=${clickId}&tid=K1&status=rejected`)).outcome).toBe('attributed');
    const refused = await attributed(p, c, `subid=${clickId}&tid=K1&status=approved`);
    expect(refused).toMatchObject({ outcome: 'rejected', rejectReason: 'INVALID_TRANSITION' });
    const [conversion] = await p.repos.conversions.listByClickId(clickId);
    expect(conversion.history.map((h) => h.status)).toEqual(['pending', 'approved', 'rejected']);
    // fireOnce: the pending state fired; the reversal fires again for a rejected listener.
    const deliveries = await p.repos.deliveries.listByConversion(conversion.id);
    expect(deliveries.map((d) => d.status).sort()).toEqual(['pending', 'rejected']);
  });

  it('keeps two events on one click as two conversions', async () => {
    const clickId = await click(p, c);
    await attributed(p, c, `cnv_id=${clickId}&event=registration`);
    await attributed(p, c, `cnv_id=${clickId}&event=ftd&cnv_status=approved`);
    expect((await p.repos.conversions.listByClickId(clickId)).map((x) => x.event).sort()).toEqual([
      'ftd',
      'registration',
    ]);
  });

  it('maps Everflow and Affise parameters through paramMap and statusMap', async () => {
    const everflow = await seedCampaign(p, {
      advertiser: { paramMap: { transaction_id: 'clickId', amount: 'payout' } },
    });
    const ef = await click(p, everflow);
    const efRecord = await attributed(p, everflow, `transaction_id=${ef}&amount=4.20`);
    expect(efRecord.outcome).toBe('attributed');
    const affise = await seedCampaign(p, {
      advertiser: { statusMap: { '1': 'approved', '2': 'pending', '3': 'rejected' } },
    });
    const af = await click(p, affise);
    const afRecord = await attributed(p, affise, `clickid=${af}&sum=2&status=2`);
    expect((await p.repos.conversions.findById(afRecord.conversionId ?? ''))?.status).toBe('pending');
  });

  it("rejects a postback for another advertiser's click with ADVERTISER_MISMATCH", async () => {
    const other = await seedCampaign(p);
    const clickId = await click(p, c);
    expect(await attributed(p, other, `cid=${clickId}`)).toMatchObject({
      outcome: 'rejected',
      rejectReason: 'ADVERTISER_MISMATCH',
    });
  });

  it('parks a postback for an unknown click and attributes it once POST /api/clicks registers the click', async () => {
    const response = await postback(p, c, 'cid=late-click-1&payout=3');
    const { postbackId } = (await response.json()) as { postbackId: string };
    await eventually(
      'postback waiting',
      async () => ((await p.repos.postbacks.findById(postbackId))?.attributionAttempts ?? 0) >= 1,
    );
    const register = await fetch(`${p.baseUrl}/api/clicks`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ clickId: 'late-click-1', offerId: c.offer.id, sourceId: c.source.id }),
    });
    expect(await register.json()).toMatchObject({ requeuedPostbacks: 1 });
    expect((await settled(p, postbackId)).outcome).toBe('attributed');
  });
});
