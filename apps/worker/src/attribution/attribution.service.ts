import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { decideTransition, isClickExpired } from '@ricochet/domain/attribution';
import type { PostbackOutcome } from '@ricochet/domain/model';
import { applyPayoutRule } from '@ricochet/domain/money';
import {
  ClickRepository,
  type ClickRecord,
  type ConversionRecord,
  ConversionRepository,
  Lookups,
  type NormalizedPostbackFields,
  type OfferRecord,
  type PostbackOutcomeChange,
  PostbackRepository,
  type PostbackRecord,
} from '@ricochet/persistence';
import { PipelineMetrics } from '@ricochet/observability';
import { UnattributedMonitor } from '../alerts/unattributed-monitor';
import { nextClickLookupDelayMs } from './click-wait.policy';
import { DeliveryPlanner } from './delivery.planner';

type Accepted = PostbackRecord & { normalized: NormalizedPostbackFields };

/** Attribution ended (`skipped`: nothing to do), or the postback waits for its click until `untilMs`. */
export type AttributionResult =
  { kind: 'done'; outcome: PostbackOutcome | 'skipped' } | { kind: 'wait'; untilMs: number };

/**
 * Attribution of one stored postback: click lookup (waiting for a late click),
 * ownership and expiry checks, conversion dedup and status machine, then delivery planning. Safe to run
 * twice for one postback: only `accepted` postbacks are processed, and a conversion that already carries
 * this postback in its history is recognised as this postback's own earlier work.
 *
 * Infrastructure failures (MongoDB, Redis) are thrown, so the postback stays `accepted` with a
 * `nextAttemptAt`: the processor delays the job with back-off and the sweeper is the safety net.
 * Advertisers, offers and sources come from the shared cache ({@link Lookups}); the postback and its
 * click are read once and handed on to the first attempts.
 */
@Injectable()
export class AttributionService {
  private readonly logger = new Logger(AttributionService.name);

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly postbacks: PostbackRepository,
    private readonly clicks: ClickRepository,
    private readonly lookups: Lookups,
    private readonly conversions: ConversionRepository,
    private readonly planner: DeliveryPlanner,
    private readonly unattributed: UnattributedMonitor,
    private readonly metrics: PipelineMetrics,
  ) {}

  async attribute(postbackId: string): Promise<AttributionResult> {
    const postback = await this.postbacks.findById(postbackId);
    if (postback === null || postback.outcome !== 'accepted' || postback.normalized === undefined) {
      return { kind: 'done', outcome: 'skipped' };
    }
    const accepted = postback as Accepted;
    const click = await this.clicks.findByClickId(accepted.normalized.clickId);
    if (click === null) return this.waitForClick(accepted);
    return { kind: 'done', outcome: await this.attributeToClick(accepted, click) };
  }

  private async attributeToClick(accepted: Accepted, click: ClickRecord): Promise<PostbackOutcome> {
    if (click.advertiserId !== accepted.advertiserId) {
      return this.finish(accepted, 'rejected', {
        rejectReason: 'ADVERTISER_MISMATCH',
        rejectMessage: `click ${click.clickId} belongs to another advertiser's offer`,
      });
    }
    const offer = await this.lookups.offer(click.offerId);
    if (offer === null) {
      return this.finish(accepted, 'rejected', {
        rejectReason: 'OFFER_NOT_FOUND',
        rejectMessage: `offer ${click.offerId} of click ${click.clickId} no longer exists`,
      });
    }
    if (isClickExpired(click.createdAt, accepted.receivedAt, offer.attributionWindowDays)) {
      return this.finish(accepted, 'rejected', {
        rejectReason: 'CLICK_EXPIRED',
        rejectMessage: `click ${click.clickId} is older than the offer's ${offer.attributionWindowDays}-day window`,
      });
    }
    return this.convert(accepted, click, offer);
  }

  /**
   * Plans the state changes an admin recorded on the conversion (job `plan`), in order, then removes
   * them from its `pendingPlans`. Safe to run twice: planning is idempotent.
   */
  async plan(conversionId: string): Promise<void> {
    const conversion = await this.conversions.findById(conversionId);
    if (conversion === null || conversion.pendingPlans.length === 0) return;
    for (const pending of conversion.pendingPlans) {
      await this.planner.plan({
        conversion,
        status: pending.status,
        reversal: pending.reversal,
        created: false,
      });
    }
    await this.conversions.completePlans(
      conversion.id,
      conversion.pendingPlans.map((pending) => pending.at),
    );
  }

  private async convert(
    postback: Accepted,
    click: ClickRecord,
    offer: OfferRecord,
  ): Promise<PostbackOutcome> {
    const n = postback.normalized;
    const [source, advertiser] = await Promise.all([
      this.lookups.source(click.sourceId),
      this.lookups.advertiser(postback.advertiserId),
    ]);
    const revenue = n.payout ?? offer.defaultRevenue ?? 0;
    const policy = source?.payoutPolicy ?? offer.payoutPolicy;
    const payout = applyPayoutRule(revenue, policy, n.event);
    const inserted = await this.conversions.insertIfAbsent({
      clickId: click.clickId,
      offerId: click.offerId,
      sourceId: click.sourceId,
      advertiserId: postback.advertiserId,
      event: n.event,
      ...(n.txid !== undefined ? { txid: n.txid } : {}),
      status: n.status,
      revenue,
      payout,
      currency: n.currency ?? advertiser?.defaultCurrency ?? 'USD',
      postbackId: postback.id,
    });
    if (inserted.created) {
      this.metrics.conversionStatus(n.status, 'postback');
      await this.planner.plan({
        conversion: inserted.conversion,
        status: n.status,
        reversal: false,
        created: true,
        click,
        postback,
      });
      return this.finish(postback, 'attributed', { conversionId: inserted.conversion.id });
    }
    const amounts = n.payout === undefined ? {} : { revenue, payout };
    let existing: ConversionRecord | null = inserted.existing;
    // One retry: a concurrent postback may change the status between our read and our compare-and-set.
    for (let round = 0; round < 2 && existing !== null; round += 1) {
      const own = existing.history.find((entry) => entry.postbackId === postback.id);
      if (own) {
        // This postback's own earlier run got this far before it stopped: finish its work.
        if (existing.status === own.status) {
          await this.planner.plan({
            conversion: existing,
            status: own.status,
            reversal: isReversal(existing, postback.id),
            created: false,
            click,
          });
        }
        return this.finish(postback, 'attributed', { conversionId: existing.id });
      }
      const decision = decideTransition(existing.status, n.status);
      if (decision.kind === 'duplicate') {
        return this.finish(postback, 'duplicate', { conversionId: existing.id });
      }
      if (decision.kind === 'invalid') {
        return this.finish(postback, 'rejected', {
          conversionId: existing.id,
          rejectReason: 'INVALID_TRANSITION',
          rejectMessage: `conversion ${existing.id} is ${decision.from}; ${decision.from} → ${decision.to} is not allowed`,
        });
      }
      if (decision.kind === 'transition') {
        const updated = await this.conversions.transitionStatus(
          existing.id,
          decision.from,
          decision.to,
          { by: 'postback', postbackId: postback.id },
          amounts,
        );
        if (updated !== null) {
          this.metrics.conversionStatus(decision.to, 'postback');
          await this.planner.plan({
            conversion: updated,
            status: decision.to,
            reversal: decision.reversal,
            created: false,
            click,
            postback,
          });
          return this.finish(postback, 'attributed', { conversionId: updated.id });
        }
      }
      existing = await this.conversions.findById(existing.id);
    }
    throw new Error(
      `conversion for postback ${postback.id} kept changing under concurrent updates; retrying`,
    );
  }

  private async waitForClick(postback: Accepted): Promise<AttributionResult> {
    const now = Date.now();
    const waitUntil =
      postback.waitUntil ?? new Date(postback.receivedAt.getTime() + this.config.attribution.clickWaitMs);
    const delay = nextClickLookupDelayMs(postback.attributionAttempts, now, waitUntil.getTime());
    if (delay === undefined) {
      const outcome = await this.finish(postback, 'unattributed', {
        rejectMessage: `no click ${postback.normalized.clickId} appeared before ${waitUntil.toISOString()}`,
        waitUntil,
      });
      return { kind: 'done', outcome };
    }
    // MongoDB holds the schedule (the sweeper's deadline); the processor delays this same job to it.
    await this.postbacks.scheduleNextAttempt(
      postback.id,
      new Date(now + delay),
      postback.waitUntil ? undefined : waitUntil,
    );
    return { kind: 'wait', untilMs: now + delay };
  }

  private async finish(
    postback: PostbackRecord,
    outcome: PostbackOutcome,
    change: PostbackOutcomeChange,
  ): Promise<PostbackOutcome> {
    await this.postbacks.settleOutcome(postback.id, outcome, change);
    this.unattributed.observe(postback.advertiserId, outcome);
    this.metrics.postbackSettled(outcome, change.rejectReason);
    // One line per postback: debug for the ordinary outcomes, info for the ones an operator looks into.
    const level = outcome === 'attributed' || outcome === 'duplicate' ? 'debug' : 'log';
    this.logger[level]({
      msg: 'postback attributed',
      postbackId: postback.id,
      outcome,
      ...(change.conversionId ? { conversionId: change.conversionId } : {}),
      ...(change.rejectReason ? { reason: change.rejectReason } : {}),
    });
    return outcome;
  }
}

/** Whether this postback's history entry turned an approved conversion into a rejected one. */
function isReversal(conversion: ConversionRecord, postbackId: string): boolean {
  const index = conversion.history.findIndex((entry) => entry.postbackId === postbackId);
  return (
    index > 0 &&
    conversion.history[index].status === 'rejected' &&
    conversion.history[index - 1].status === 'approved'
  );
}
