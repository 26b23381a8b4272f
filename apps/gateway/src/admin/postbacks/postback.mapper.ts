import { formatMoney } from '@ricochet/domain/money';
import type { NormalizedPostbackFields, PostbackRecord } from '@ricochet/persistence';
import type { NormalizedPostbackResponse, PostbackResponse } from './dto/postback-response.dto';

/** Received parameters never shown: the advertiser's postback token travels as `token=`. */
const SECRET_PARAMS = new Set(['token']);
const REDACTED = '[redacted]';

export function toPostbackResponse(record: PostbackRecord): PostbackResponse {
  const { normalized, params, ...rest } = record;
  return {
    ...rest,
    params: Object.fromEntries(
      Object.entries(params).map(([name, value]) => [
        name,
        SECRET_PARAMS.has(name.toLowerCase()) ? REDACTED : value,
      ]),
    ),
    ...(normalized ? { normalized: toNormalizedResponse(normalized) } : {}),
  };
}

function toNormalizedResponse(normalized: NormalizedPostbackFields): NormalizedPostbackResponse {
  const { payout, ...fields } = normalized;
  return { ...fields, ...(payout !== undefined ? { payout: formatMoney(payout) } : {}) };
}
