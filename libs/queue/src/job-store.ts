import type { JobsOptions, JobState, Queue } from 'bullmq';

/**
 * Jobs are removed when they end, completed or failed: MongoDB holds the state and the attempt log,
 * Redis only dispatches. A kept failed job would also keep its id, and BullMQ ignores an `add` whose id
 * exists, so work could never be enqueued again.
 */
export const JOB_RETENTION: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: true,
  removeOnFail: true,
};

const LIVE_STATES: ReadonlySet<JobState | 'unknown'> = new Set([
  'active',
  'waiting',
  'waiting-children',
  'delayed',
  'prioritized',
]);

/** What {@link ensureJob} found and did. */
export type EnsureResult = 'added' | 'live' | 'promoted' | 'replaced';

/**
 * Makes sure a job with this id is alive: adds it when there is none, replaces one left completed or
 * failed (an older BullMQ retention, a crash between states), and leaves a live one alone — or, with
 * `promote`, makes a delayed one run now (an admin replay must not wait for the old schedule).
 * For the recovery paths (sweeper, replays); the hot path uses a plain `add`.
 */
export async function ensureJob<Data>(
  queue: Queue<Data>,
  name: string,
  data: Data,
  jobId: string,
  options: { delayMs?: number; promote?: boolean } = {},
): Promise<EnsureResult> {
  const state = await queue.getJobState(jobId);
  if (LIVE_STATES.has(state)) {
    if (options.promote && state === 'delayed') {
      const job = await queue.getJob(jobId);
      if (job) {
        await job.promote().catch(() => undefined);
        return 'promoted';
      }
    }
    return 'live';
  }
  let replaced = false;
  if (state === 'completed' || state === 'failed') {
    await queue.remove(jobId);
    replaced = true;
  }
  // `add` takes the queue's own generic parameters; the cast only restates them.
  await (queue as unknown as Queue).add(name, data, {
    ...JOB_RETENTION,
    jobId,
    delay: options.delayMs ?? 0,
  });
  return replaced ? 'replaced' : 'added';
}
