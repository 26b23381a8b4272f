import type { DeliveryAttemptRecord, DeliveryRecord } from '@ricochet/persistence';
import type {
  DeliveryAttemptResponse,
  DeliveryDetailResponse,
  DeliveryResponse,
} from './dto/delivery-response.dto';

export function toDeliveryResponse(record: DeliveryRecord): DeliveryResponse {
  const { idempotencyKey: _idempotencyKey, ...delivery } = record;
  return delivery;
}

export function toDeliveryAttemptResponse(record: DeliveryAttemptRecord): DeliveryAttemptResponse {
  const { deliveryId: _deliveryId, ...attempt } = record;
  return attempt;
}

export function toDeliveryDetailResponse(
  record: DeliveryRecord,
  attempts: DeliveryAttemptRecord[],
): DeliveryDetailResponse {
  return { ...toDeliveryResponse(record), attemptLog: attempts.map(toDeliveryAttemptResponse) };
}
