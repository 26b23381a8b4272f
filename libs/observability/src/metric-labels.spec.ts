import { Registry } from 'prom-client';
import { breakerStateOf } from './endpoint-breaker.metrics';
import { postbackOutcomeLabel, postbackReasonLabel } from './metric-labels';
import { PipelineMetrics } from './pipeline.metrics';
import { dueAt } from './queue.metrics';

describe('bounded metric labels', () => {
  it.each([
    ['INVALID_PAYOUT', 'INVALID_PAYOUT'],
    ['IP_NOT_ALLOWED', 'IP_NOT_ALLOWED'],
    ['CLICK_EXPIRED', 'CLICK_EXPIRED'],
    ['SOMETHING_NEW', 'OTHER'],
    ['https://evil.example/?x=1', 'OTHER'],
    ['', ''],
    [undefined, ''],
  ])('postback reason %p → %p', (code, label) => {
    expect(postbackReasonLabel(code)).toBe(label);
  });

  it('keeps postback outcomes to the model', () => {
    expect(postbackOutcomeLabel('attributed')).toBe('attributed');
    expect(postbackOutcomeLabel('665f1c2e8b3d4a0012345678')).toBe('other');
  });
});

describe('PipelineMetrics', () => {
  it('counts settled postbacks, conversion statuses and sweeps with closed label sets', async () => {
    const registry = new Registry();
    const metrics = new PipelineMetrics(registry);
    metrics.postbackSettled('attributed');
    metrics.postbackSettled('rejected', 'CLICK_EXPIRED');
    metrics.postbackSettled('rejected', 'a click id from the request');
    metrics.conversionStatus('approved', 'postback');
    metrics.conversionStatus('rejected', 'admin');
    metrics.conversionStatus('bogus', 'admin');
    metrics.sweepReenqueued({ postbacks: 2, plans: 0, deliveries: 3 });

    const text = await registry.metrics();
    expect(text).toContain('ricochet_postbacks_settled_total{outcome="attributed",reason=""} 1');
    expect(text).toContain('ricochet_postbacks_settled_total{outcome="rejected",reason="CLICK_EXPIRED"} 1');
    expect(text).toContain('ricochet_postbacks_settled_total{outcome="rejected",reason="OTHER"} 1');
    expect(text).toContain('ricochet_conversions_total{status="approved",by="postback"} 1');
    expect(text).toContain('ricochet_conversions_total{status="rejected",by="admin"} 1');
    expect(text).toContain('ricochet_conversions_total{status="other",by="admin"} 1');
    expect(text).toContain('ricochet_sweeper_reenqueued_total{kind="postback"} 2');
    expect(text).toContain('ricochet_sweeper_reenqueued_total{kind="delivery"} 3');
    expect(text).not.toContain('kind="plan"');
  });
});

describe('scrape-time readings', () => {
  it('reads an open breaker whose period is over as half-open', () => {
    const now = 1_000_000;
    expect(breakerStateOf('open', String(now + 1), now)).toBe('open');
    expect(breakerStateOf('open', String(now), now)).toBe('half-open');
    expect(breakerStateOf('half-open', String(now + 5), now)).toBe('half-open');
    expect(breakerStateOf('closed', null, now)).toBe('closed');
    expect(breakerStateOf(null, null, now)).toBeNull();
  });

  it('dates a delayed job from its creation, or from the start of its last run', () => {
    const job = { id: '1', timestamp: 1_000, delay: 500, opts: {} };
    expect(dueAt({ ...job, processedOn: undefined })).toBe(1_500);
    expect(dueAt({ ...job, processedOn: 4_000 })).toBe(4_500);
  });
});
