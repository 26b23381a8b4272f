import type { AttemptTrigger } from '@ricochet/domain/model';

/** Queue names. Deliveries use two queues so a dead endpoint's retry backlog never delays fresh conversions. */
export const QUEUES = {
  attribution: 'attribution',
  delivery: 'delivery',
  deliveryRetry: 'delivery-retry',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Attribute one stored postback. Ids only: the postback itself is read from MongoDB. */
export interface AttributionJobData {
  postbackId: string;
}

/** Send one delivery once. Ids and primitives only: never a URL, a secret or a payload. */
export interface DeliveryJobData {
  deliveryId: string;
  trigger: AttemptTrigger;
}

export const JOB_NAMES = {
  attribute: 'attribute',
  deliver: 'deliver',
} as const;
