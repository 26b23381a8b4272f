import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { decideTransition, isClickExpired } from '@ricochet/domain/attribution';
import type { ConversionStatus, PostbackOutcome } from '@ricochet/domain/model';
import { applyPayoutRule } from '@ricochet/domain/money';
import {
  AdvertiserRepository,
  ClickRepository,
  type ClickRecord,
  type ConversionRecord,
  ConversionRepository,
  type NormalizedPostbackFields,
  OfferRepository,
  type OfferRecord,
  type PostbackOutcomeChange,
  PostbackRepository,
  type PostbackRecord,
  SourceRepository,
} from '@ricochet/persistence';
import { AttributionProducer } from '@ricochet/queue';
import { nextClickLookupDelayMs } from './click-wait.policy';
import { DeliveryPlanner } from './delivery.planner';

type Accepted = PostbackRecord & { normalized: NormalizedPostbackFields };

/**
 * Attribution of one stored postback (DESIGN §4.2, §4.3): click lookup (waiting for a late click),
 * ownership and expiry checks, conversion dedup and status machine, then delivery planning. Safe to run
 * twice for one postback: only `accepted` postbacks are processed, and a conversion that already carries
 * this postback in its history is recognised as this postback's own earlier work.
 *
 * Infrastructure failures (MongoDB, Redis) are thrown, so the job fails and the postback stays
 * `accepted` with a `nextAttemptAt`: the processor re-queues it with back-off and the sweeper is the
 * safety net.
 */
@Injectable()
export class AttributionService {
  private readonly logger = new Logger(AttributionService.name);

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly postbacks: PostbackRepository,
    private readonly clicks: ClickRepository,
    private readonly offers: OfferRepository,
    private readonly sources: SourceRepository,
    private readonly advertisers: AdvertiserRepository,
    private readonly conversions: ConversionRepository,
    private readonly producer: AttributionProducer,
    private readonly planner: DeliveryPlanner,
  ) {}

  /** @param jobAttempt the attempt number in the job id (`pb_<id>_<n>`) */
  async attribute(postbackId: string, jobAttempt: number): Promise<PostbackOutcome | 'skipped' | 'waiting'> {
    const postback = await this.postbacks.findById(postbackId);
    if (postback === null || postback.outcome !== 'accepted' || postback.normalized === undefined) {
      return 'skipped';
    }
    const accepted = postback as Accepted;
    const click = await this.clicks.findByClickId(accepted.normalized.clickId);
    if (click === null) return this.waitForClick(accepted, jobAttempt);
    if (click.advertiserId !== accepted.advertiserId) {
      return this.finish(accepted, 'rejected', {
        rejectReason: 'ADVERTISER_MISMATCH',
        rejectMessage: `click ${click.clickId} belongs to another advertiser's offer`,
      });
    }
    const offer = await this.offers.findById(click.offerId);
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

  /** Runs the planner for a conversion state an admin set (job `plan`). */
  async plan(conversionId: string, status: ConversionStatus, reversal: boolean): Promise<void> {
    const conversion = await this.conversions.findById(conversionId);
    if (conversion === null) return;
    await this.planner.plan(conversion, status, reversal);
  }

  private async convert(
    postback: Accepted,
    click: ClickRecord,
    offer: OfferRecord,
  ): Promise<PostbackOutcome> {
    const n = postback.normalized;
    const [source, advertiser] = await Promise.all([
      this.sources.findById(click.sourceId),
      this.advertisers.findById(postback.advertiserId),
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
      await this.planner.plan(inserted.conversion, n.status, false);
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
          await this.planner.plan(existing, own.status, isReversal(existing, postback.id));
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
          await this.planner.plan(updated, decision.to, decision.reversal);
          return this.finish(postback, 'attributed', { conversionId: updated.id });
        }
      }
      existing = await this.conversions.findById(existing.id);
    }
    throw new Error(
      `conversion for postback ${postback.id} kept changing under concurrent updates; retrying`,
    );
  }

  private async waitForClick(postback: Accepted, jobAttempt: number): Promise<'waiting' | PostbackOutcome> {
    const now = Date.now();
    const waitUntil =
      postback.waitUntil ?? new Date(postback.receivedAt.getTime() + this.config.attribution.clickWaitMs);
    const delay = nextClickLookupDelayMs(postback.attributionAttempts, now, waitUntil.getTime());
    if (delay === undefined) {
      return this.finish(postback, 'unattributed', {
        rejectMessage: `no click ${postback.normalized.clickId} appeared before ${waitUntil.toISOString()}`,
        waitUntil,
      });
    }
    // Job ids must be new: the current job's id is still taken while it runs.
    const next = Math.max(jobAttempt, postback.attributionAttempts) + 1;
    await this.postbacks.scheduleNextAttempt(
      postback.id,
      new Date(now + delay),
      postback.waitUntil ? undefined : waitUntil,
    );
    await this.producer.attribute(postback.id, next, delay);
    return 'waiting';
  }

  private async finish(
    postback: PostbackRecord,
    outcome: PostbackOutcome,
    change: PostbackOutcomeChange,
  ): Promise<PostbackOutcome> {
    await this.postbacks.markOutcome(postback.id, outcome, change);
    this.logger.log({
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
