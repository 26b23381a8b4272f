import { Inject, Injectable } from '@nestjs/common';
import { QUEUES, type QueueName, QueueSet } from '@ricochet/queue';
import type { Job, JobType, Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import { CollectorErrors } from './collector-errors';
import { METRICS_REGISTRY } from './metrics.controller';
import { ScrapeCache } from './scrape-cache';

/** Job states reported per queue (jobs are removed when they end, so `completed` stays empty). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'paused', 'failed'] as const;

/** Queue figures are cheap Redis reads: fresh every 5 s, a scrape waits at most 2 s for them. */
export const QUEUE_SCRAPE = { ttlMs: 5_000, timeoutMs: 2_000 } as const;

interface QueueSnapshot {
  name: string;
  counts: Record<string, number>;
  paused: boolean;
  /** Seconds the oldest job in the state has been due without being picked up (0 when none). */
  oldest: { waiting: number; delayed: number };
}

/**
 * Per queue kind, computed on scrape: jobs by state (BullMQ `getJobCounts`), whether it is paused, and
 * how long the oldest runnable job has waited — the first waiting job, and the delayed job whose time
 * came first (a delayed job past its time means no worker is promoting jobs). With partitioned queues
 * (`QUEUE_PARTITIONS`), counts are summed over the partitions, a kind counts as paused when any of its
 * partitions is, and the ages are the oldest of any partition: the series stay one per kind.
 */
@Injectable()
export class QueueMetrics {
  private readonly cache: ScrapeCache<QueueSnapshot[]>;
  /** The head of each wait list as first seen: see {@link QueueMetrics.waitingSince}. */
  private readonly heads = new Map<string, { id: string | undefined; since: number }>();

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly errors: CollectorErrors,
    private readonly queues: QueueSet,
  ) {
    this.cache = new ScrapeCache(() => this.snapshot(), QUEUE_SCRAPE);
    const jobs: Gauge<'queue' | 'state'> = new Gauge({
      name: 'ricochet_queue_jobs',
      help: 'Jobs per BullMQ queue and state (computed on scrape, cached 5 s)',
      labelNames: ['queue', 'state'],
      registers: [registry],
      collect: () =>
        this.collect(jobs, true, (snapshot) => {
          for (const state of QUEUE_STATES) {
            jobs.set({ queue: snapshot.name, state }, snapshot.counts[state] ?? 0);
          }
        }),
    });
    const oldest: Gauge<'queue' | 'state'> = new Gauge({
      name: 'ricochet_queue_oldest_job_age_seconds',
      help:
        'Seconds the oldest runnable job has been due without being picked up: state="waiting" for the ' +
        'head of the wait list, state="delayed" for the delayed job whose time came first (0 when none)',
      labelNames: ['queue', 'state'],
      registers: [registry],
      collect: () =>
        this.collect(oldest, false, (snapshot) => {
          oldest.set({ queue: snapshot.name, state: 'waiting' }, snapshot.oldest.waiting);
          oldest.set({ queue: snapshot.name, state: 'delayed' }, snapshot.oldest.delayed);
        }),
    });
    const paused: Gauge<'queue'> = new Gauge({
      name: 'ricochet_queue_paused',
      help: '1 while the queue is paused (no worker takes its jobs), else 0',
      labelNames: ['queue'],
      registers: [registry],
      collect: () =>
        this.collect(paused, false, (snapshot) =>
          paused.set({ queue: snapshot.name }, snapshot.paused ? 1 : 0),
        ),
    });
  }

  /** Forgets the cached figures: the next scrape reads Redis again. */
  expireCache(): void {
    this.cache.expire();
  }

  /** Fills `gauge` from the shared snapshot; only the first gauge counts a failure (one per scrape). */
  private collect<L extends string>(
    gauge: Gauge<L>,
    countsErrors: boolean,
    write: (snapshot: QueueSnapshot) => void,
  ): Promise<void> {
    gauge.reset();
    const work = async (): Promise<void> => {
      for (const snapshot of await this.cache.get()) write(snapshot);
    };
    return countsErrors ? this.errors.guard('queues', work) : work().catch(() => undefined);
  }

  private snapshot(): Promise<QueueSnapshot[]> {
    return Promise.all(
      (Object.values(QUEUES) as QueueName[]).map(async (name) =>
        mergePartitions(
          name,
          await Promise.all(
            this.queues.partitionsOf(name).map((queue, partition) => this.snapshotOf(queue, partition)),
          ),
        ),
      ),
    );
  }

  private async snapshotOf(queue: Queue, partition: number): Promise<QueueSnapshot> {
    const [counts, paused, waiting, delayed] = await Promise.all([
      queue.getJobCounts(...(QUEUE_STATES as readonly JobType[])),
      queue.isPaused(),
      queue.getJobs(['wait'], 0, 0, true),
      queue.getJobs(['delayed'], 0, 0, true),
    ]);
    const now = Date.now();
    const head = waiting[0] as TimedJob | undefined;
    return {
      name: queue.name,
      counts,
      paused,
      oldest: {
        waiting: secondsSince(head && this.waitingSince(`${queue.name}#${partition}`, head, now), now),
        delayed: secondsSince(delayed[0] && dueAt(delayed[0] as TimedJob), now),
      },
    };
  }

  /**
   * When the head of the wait list started waiting. A job no worker has run yet waits since it was
   * added (plus the delay it was added with). A job that ran and was put back (a retry, a postback
   * waiting for its click) carries no such time — BullMQ resets its delay when it promotes it — so it
   * counts from the first scrape that found it at the head: a lower bound, but one that keeps growing
   * while the queue does not move.
   */
  private waitingSince(queue: string, job: TimedJob, now: number): number {
    if (job.processedOn === undefined) return job.timestamp + (job.opts?.delay ?? 0);
    const seen = this.heads.get(queue);
    if (seen?.id !== job.id) this.heads.set(queue, { id: job.id, since: now });
    return Math.max(job.processedOn, this.heads.get(queue)?.since ?? now);
  }
}

/** One queue kind's figures from its partitions' figures. */
function mergePartitions(name: string, partitions: QueueSnapshot[]): QueueSnapshot {
  const counts: Record<string, number> = {};
  for (const { counts: own } of partitions) {
    for (const [state, count] of Object.entries(own)) counts[state] = (counts[state] ?? 0) + count;
  }
  return {
    name,
    counts,
    paused: partitions.some((snapshot) => snapshot.paused),
    oldest: {
      waiting: Math.max(0, ...partitions.map((snapshot) => snapshot.oldest.waiting)),
      delayed: Math.max(0, ...partitions.map((snapshot) => snapshot.oldest.delayed)),
    },
  };
}

/** The job fields the ages are computed from. */
type TimedJob = Pick<Job, 'id' | 'timestamp' | 'processedOn' | 'delay' | 'opts'>;

/** When a delayed job is due: its delay counts from the start of its last run, or from its creation. */
export function dueAt(job: TimedJob): number {
  return (job.processedOn ?? job.timestamp) + (job.delay ?? 0);
}

/** Seconds from `since` to `now`; 0 for none or a time still ahead. */
function secondsSince(since: number | undefined, now: number): number {
  return since === undefined ? 0 : Math.max(0, now - since) / 1000;
}
