import type { Worker } from 'bullmq';
import type { RicochetConfig } from '@ricochet/config';

/**
 * Applies the configured concurrency, job lock and stalled-job check to a worker built by
 * `@nestjs/bullmq` with `autorun: false`, before it runs. The decorator's options are fixed before the
 * validated config exists, so they are set here; the lock manager reads them when it is built, so it
 * is rebuilt (`createLockManager` is BullMQ's documented extension point for this).
 *
 * The lock is renewed every half of `JOB_LOCK` while a job runs, so a slow partner never makes a live
 * job look stalled; a worker killed mid-job loses its lock after at most `JOB_LOCK`, and the next
 * stalled check (every `STALLED_INTERVAL`) hands the job to a live worker. A job that stalls more than
 * `maxStalledCount` times is failed and removed; the sweeper then enqueues its work again.
 */
export function tuneWorker(worker: Worker, config: RicochetConfig, concurrency: number): void {
  worker.concurrency = concurrency;
  worker.opts.lockDuration = config.worker.jobLockMs;
  worker.opts.lockRenewTime = config.worker.jobLockMs / 2;
  worker.opts.stalledInterval = config.worker.stalledIntervalMs;
  worker.opts.maxStalledCount = MAX_STALLED_COUNT;
  (worker as unknown as { createLockManager(): void }).createLockManager();
}

/** Kills of a worker mid-job are infrastructure faults, not a verdict: allow several before failing the job. */
export const MAX_STALLED_COUNT = 5;
