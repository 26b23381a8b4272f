import type { AttemptTrigger, ConversionStatus } from '@ricochet/domain/model';

/**
 * Queue names. Deliveries use two queues so a dead endpoint's retry backlog never delays first attempts
 * to healthy endpoints (DESIGN §5): first attempts and manual replays go to `delivery`, retries to
 * `delivery-retry`, each with its own worker concurrency.
 */
export const QUEUES = {
  attribution: 'attribution',
  delivery: 'delivery',
  deliveryRetry: 'delivery-retry',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job names on the attribution queue. */
export const ATTRIBUTION_JOBS = {
  /** Attribute one stored postback. */
  attribute: 'attribute',
  /** Create and enqueue the deliveries a conversion state calls for (after an admin status change). */
  plan: 'plan',
} as const;

export const DELIVERY_JOB = 'deliver';

/** Attribute one stored postback. Ids only: the postback itself is read from MongoDB. */
export interface AttributeJobData {
  postbackId: string;
}

/** Plan deliveries for a conversion's current state. */
export interface PlanJobData {
  conversionId: string;
  status: ConversionStatus;
  reversal: boolean;
}

export type AttributionJobData = AttributeJobData | PlanJobData;

/** Send one delivery once. Ids and primitives only: never a URL, a secret or a payload. */
export interface DeliveryJobData {
  deliveryId: string;
  trigger: AttemptTrigger;
}
