import type { AttemptTrigger } from '@ricochet/domain/model';

/**
 * Queue names. A conversion normally takes one job on `attribution`: it attributes the postback and
 * makes each endpoint's first attempt in the same job. `delivery` carries first attempts that had to
 * wait (circuit open, rate limit, recovered by the sweeper) and manual replays; `delivery-retry` carries
 * automatic retries, with its own concurrency, so a dead endpoint's backlog never delays fresh
 * conversions to healthy endpoints.
 */
export const QUEUES = {
  attribution: 'attribution',
  delivery: 'delivery',
  deliveryRetry: 'delivery-retry',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job names on the attribution queue. */
export const ATTRIBUTION_JOBS = {
  /** Attribute one stored postback and make its deliveries' first attempts. */
  attribute: 'attribute',
  /** Plan the deliveries an admin status change calls for (the conversion's `pendingPlans`). */
  plan: 'plan',
  /** Replay the deliveries matching a filter, resumably (one job per bulk replay). */
  bulkReplay: 'bulk-replay',
  /** Forward past conversions to one endpoint, resumably (one job per backfill run). */
  backfill: 'backfill',
} as const;

export const DELIVERY_JOB = 'deliver';

/** Attribute one stored postback. Ids only: the postback itself is read from MongoDB. */
export interface AttributeJobData {
  postbackId: string;
}

/** Plan deliveries for the state changes recorded on a conversion. */
export interface PlanJobData {
  conversionId: string;
}

/** Replay the deliveries of one bulk-replay run; its filter and checkpoint live in MongoDB. */
export interface BulkReplayJobData {
  runId: string;
}

/** Walk the conversions of one backfill run; its scope and checkpoint live in Redis with the run. */
export interface BackfillJobData {
  runId: string;
}

export type AttributionJobData = AttributeJobData | PlanJobData | BulkReplayJobData;

/**
 * Send one delivery once. Ids and primitives only: never a URL, a secret or a payload. The attempt
 * number is the delivery's `attempts` + 1, read from MongoDB when the job runs.
 */
export interface DeliveryJobData {
  deliveryId: string;
  trigger: AttemptTrigger;
}
