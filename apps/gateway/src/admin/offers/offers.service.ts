import { Injectable, NotFoundException } from '@nestjs/common';
import { parseMoney } from '@ricochet/domain/money';
import { compileTemplate } from '@ricochet/domain/templates';
import { AdvertiserRepository, OfferRepository, type OfferPatch } from '@ricochet/persistence';
import { Lookups } from '@ricochet/persistence';
import { type PageResponse, toPageResponse } from '../common/page.dto';
import { toPayoutPolicy } from '../common/payout-rule.mapper';
import type { CreateOfferBody, OfferListQuery, OfferResponse, UpdateOfferBody } from './dto/offer.dto';
import { toOfferResponse } from './offer.mapper';

@Injectable()
export class OffersService {
  constructor(
    private readonly offers: OfferRepository,
    private readonly advertisers: AdvertiserRepository,
    private readonly lookups: Lookups,
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
