import { formatMoney } from '@ricochet/domain/money';
import type { ConversionRecord } from '@ricochet/persistence';
import type { ConversionResponse } from './dto/conversion-response.dto';

export function toConversionResponse(record: ConversionRecord): ConversionResponse {
  const { dedupKey: _dedupKey, revenue, payout, ...rest } = record;
  return { ...rest, revenue: formatMoney(revenue), payout: formatMoney(payout) };
}
