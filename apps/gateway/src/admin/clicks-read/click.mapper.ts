import type { ClickRecord } from '@ricochet/persistence';
import type { ClickDetailResponse } from './dto/click-detail-response.dto';

export function toClickDetailResponse(record: ClickRecord): ClickDetailResponse {
  const { id: _id, ...click } = record;
  return click;
}
