/**
 * The one place job ids are made. Each unit of work has exactly one job id for its whole life, so an
 * enqueue of work whose job is alive (waiting, delayed or active) is a no-op, and a job re-schedules
 * itself (`moveToDelayed`) instead of creating a successor. Attempt numbers live in MongoDB, never in ids.
 * BullMQ ids must not contain ':' nor be all digits.
 */
export const JobIds = {
  attribution: (postbackId: string): string => `pb_${postbackId}`,
  plan: (conversionId: string): string => `plan_${conversionId}`,
  bulkReplay: (runId: string): string => `replay_${runId}`,
  backfill: (runId: string): string => `backfill_${runId}`,
  delivery: (deliveryId: string): string => `dl_${deliveryId}`,
} as const;
