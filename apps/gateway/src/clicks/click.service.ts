import { Injectable, NotFoundException } from '@nestjs/common';
import { mintClickId } from '@ricochet/domain/ids';
import { ClickRepository, type OfferRecord } from '@ricochet/persistence';
import { Lookups } from '@ricochet/persistence';
import { StoreDeadline } from '../store/store-deadline.service';
import type { ClickQuery } from './click-query.parser';
import { OfferUrlRenderer } from './offer-url.renderer';

/** What the request tells about the visitor, read by the controller from the HTTP request. */
export interface ClickVisitor {
  ip?: string;
  userAgent?: string;
  referrer?: string;
  country?: string;
}

/** Where to send the visitor: the rendered offer URL, or the offer's fallback. */
export interface ClickRedirect {
  url: string;
  clickId?: string;
}

/** `GET /click`: validate the offer and source, record the click, render the landing URL. */
@Injectable()
export class ClickService {
  constructor(
    private readonly store: StoreDeadline,
    private readonly lookups: Lookups,
    private readonly clicks: ClickRepository,
    private readonly offerUrls: OfferUrlRenderer,
  ) {}

  /**
   * @throws NotFoundException OFFER_NOT_FOUND / SOURCE_NOT_FOUND when there is no fallback URL.
   * @throws StoreUnavailableError when MongoDB cannot record the click.
   */
  async track(query: ClickQuery, visitor: ClickVisitor): Promise<ClickRedirect> {
    const [offer, source] = await this.store.run(() =>
      Promise.all([this.lookups.offer(query.offerId), this.lookups.source(query.sourceId)]),
    );
    if (offer === null || offer.status !== 'active') {
      return this.fallback(
        offer,
        query,
        'OFFER_NOT_FOUND',
        `offer ${query.offerId} does not exist or is paused`,
      );
    }
    if (source === null) {
      return this.fallback(offer, query, 'SOURCE_NOT_FOUND', `source ${query.sourceId} does not exist`);
    }
    const click = await this.store.run(() =>
      this.clicks.recordClick({
        clickId: mintClickId(),
        offerId: offer.id,
        sourceId: source.id,
        advertiserId: offer.advertiserId,
        ...(query.extClickId !== undefined ? { extClickId: query.extClickId } : {}),
        ...query.subs,
        ...visitor,
      }),
    );
    return { url: this.offerUrls.render(offer, click), clickId: click.clickId };
  }

  /** The offer's fallback URL with its macros filled from the request; without one, 404 `code`. */
  private fallback(
    offer: OfferRecord | null,
    query: ClickQuery,
    code: string,
    message: string,
  ): ClickRedirect {
    if (offer?.fallbackUrl) {
      return { url: this.offerUrls.renderFallback({ id: offer.id, fallbackUrl: offer.fallbackUrl }, query) };
    }
    throw new NotFoundException({ code, message: `${code}: ${message}` });
  }
}
