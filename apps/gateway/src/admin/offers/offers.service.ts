import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { parseMoney } from '@ricochet/domain/money';
import { compileTemplate } from '@ricochet/domain/templates';
import {
  AdvertiserRepository,
  OfferRepository,
  type OfferPatch,
  SourceRepository,
  SUB_KEYS,
} from '@ricochet/persistence';
import { Lookups } from '@ricochet/persistence';
import { type PageResponse, toPageResponse } from '../common/page.dto';
import { toPayoutPolicy } from '../common/payout-rule.mapper';
import type { CreateOfferBody, OfferListQuery, OfferResponse, UpdateOfferBody } from './dto/offer.dto';
import {
  DEFAULT_CLICK_ID_MACRO,
  type TrackingLinkQuery,
  type TrackingLinkResponse,
} from './dto/tracking-link.dto';
import { toOfferResponse } from './offer.mapper';

@Injectable()
export class OffersService {
  constructor(
    private readonly offers: OfferRepository,
    private readonly advertisers: AdvertiserRepository,
    private readonly sources: SourceRepository,
    private readonly lookups: Lookups,
    @InjectConfig() private readonly config: RicochetConfig,
  ) {}

  async create(body: CreateOfferBody): Promise<OfferResponse> {
    const fields = toOfferFields(body);
    if (!(await this.advertisers.findById(body.advertiserId))) {
      throw new NotFoundException({
        code: 'ADVERTISER_NOT_FOUND',
        message: `"advertiserId": no advertiser has id "${body.advertiserId}"`,
        param: 'advertiserId',
        hint: 'create the advertiser first (POST /api/advertisers) or check the id',
      });
    }
    const created = await this.offers.create({
      ...fields,
      advertiserId: body.advertiserId,
      name: body.name,
      url: body.url,
      fallbackUrl: fields.fallbackUrl ?? undefined,
      defaultRevenue: fields.defaultRevenue ?? undefined,
    });
    this.lookups.invalidateOffer(created.id);
    return toOfferResponse(created);
  }

  async list(query: OfferListQuery): Promise<PageResponse<OfferResponse>> {
    const page = await this.offers.list(
      { advertiserId: query.advertiserId, status: query.status },
      { limit: query.limit, cursor: query.cursor },
    );
    return toPageResponse(page, toOfferResponse);
  }

  async get(id: string): Promise<OfferResponse> {
    const offer = await this.offers.findById(id);
    if (!offer) throw notFound(id);
    return toOfferResponse(offer);
  }

  async update(id: string, body: UpdateOfferBody): Promise<OfferResponse> {
    const updated = await this.offers.update(id, toOfferFields(body));
    if (!updated) throw notFound(id);
    this.lookups.invalidateOffer(id);
    return toOfferResponse(updated);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.offers.delete(id))) throw notFound(id);
    this.lookups.invalidateOffer(id);
  }

  /**
   * The link a traffic source sends visitors to for this offer: `GET /click` with the offer and source
   * ids, the source's click-id placeholder in `ext_click_id` and any sub values, in the parameter names
   * the click endpoint reads. Absolute when PUBLIC_BASE_URL is set.
   */
  async trackingLink(id: string, query: TrackingLinkQuery): Promise<TrackingLinkResponse> {
    const [offer, source] = await Promise.all([
      this.offers.findById(id),
      this.sources.findById(query.sourceId),
    ]);
    if (!offer) throw notFound(id);
    if (!source) {
      throw new NotFoundException({
        code: 'SOURCE_NOT_FOUND',
        message: `"sourceId": no source has id "${query.sourceId}"`,
        param: 'sourceId',
        hint: 'create the source first (POST /api/sources) or check the id',
      });
    }
    const macro = query.macro ?? DEFAULT_CLICK_ID_MACRO;
    // Ids are hex and the other values are checked to be URL-safe, so nothing here is encoded: the
    // source must find its placeholder verbatim.
    const parameters = [
      `offer_id=${offer.id}`,
      `source_id=${source.id}`,
      `ext_click_id=${macro}`,
      ...SUB_KEYS.flatMap((key) => (query[key] !== undefined ? [`${key}=${query[key]}`] : [])),
    ];
    const base = this.config.gateway.publicBaseUrl;
    const notes: string[] = [];
    if (base === undefined) {
      notes.push(
        "The URL is relative: put the gateway's public address (https://your-host) in front of it, " +
          'or set PUBLIC_BASE_URL to get it absolute.',
      );
    }
    if (offer.status !== 'active') {
      notes.push(
        offer.fallbackUrl
          ? 'The offer is paused: clicks are redirected to its fallbackUrl and not recorded.'
          : 'The offer is paused and has no fallbackUrl: clicks get 404 until it is active again.',
      );
    }
    return {
      url: `${base ?? ''}/click?${parameters.join('&')}`,
      absolute: base !== undefined,
      offerId: offer.id,
      sourceId: source.id,
      clickIdMacro: macro,
      notes,
    };
  }
}

/**
 * Body → repository fields, checked by the domain: templates compiled (unknown or foreign macros are
 * refused now, never sent later), money parsed exactly. `null` clears an optional field.
 */
function toOfferFields(body: UpdateOfferBody): OfferPatch {
  const nullable = body as { fallbackUrl?: string | null; defaultRevenue?: string | null };
  if (body.url !== undefined) compileTemplate(body.url, { kind: 'offer-url', field: 'url' });
  if (typeof nullable.fallbackUrl === 'string')
    compileTemplate(nullable.fallbackUrl, { kind: 'offer-url', field: 'fallbackUrl' });
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.url !== undefined ? { url: body.url } : {}),
    ...(nullable.fallbackUrl !== undefined ? { fallbackUrl: nullable.fallbackUrl } : {}),
    ...(nullable.defaultRevenue !== undefined
      ? {
          defaultRevenue:
            nullable.defaultRevenue === null ? null : parseMoney(nullable.defaultRevenue, 'defaultRevenue'),
        }
      : {}),
    ...(body.payoutRule !== undefined ? { payoutPolicy: toPayoutPolicy(body.payoutRule, 'payoutRule') } : {}),
    ...(body.attributionWindowDays !== undefined
      ? { attributionWindowDays: body.attributionWindowDays }
      : {}),
    ...(body.status !== undefined ? { status: body.status } : {}),
  };
}

function notFound(id: string): NotFoundException {
  return new NotFoundException({ code: 'OFFER_NOT_FOUND', message: `no offer has id "${id}"`, param: 'id' });
}
