import { formatMoney } from '@ricochet/domain/money';
import type { OfferRecord } from '@ricochet/persistence';
import { toPayoutPolicyResponse } from '../common/payout-rule.mapper';
import type { OfferResponse } from './dto/offer.dto';

/** The one record → response mapping for offers: money as decimal strings. */
export function toOfferResponse(record: OfferRecord): OfferResponse {
  return {
    id: record.id,
    advertiserId: record.advertiserId,
    name: record.name,
    url: record.url,
    ...(record.fallbackUrl !== undefined ? { fallbackUrl: record.fallbackUrl } : {}),
    ...(record.defaultRevenue !== undefined ? { defaultRevenue: formatMoney(record.defaultRevenue) } : {}),
    payoutRule: toPayoutPolicyResponse(record.payoutPolicy),
    attributionWindowDays: record.attributionWindowDays,
    status: record.status,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
