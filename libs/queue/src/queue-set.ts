import { Injectable, type Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';
import type { Cluster } from 'ioredis';
import { partitionConcurrency, partitionOf, partitionPrefixes } from './queue-partitions';
import { QUEUES, type QueueName } from './queue.constants';
import { bullConnectionOptions, createBullClient, isClusterUrl } from './redis-connection';

/** One partition of one queue kind. */
export interface QueuePartition {
  name: QueueName;
  partition: number;
  queue: Queue;
}

/** Kills of a worker mid-job are infrastructure faults, not a verdict: allow several before failing the job. */
export const MAX_STALLED_COUNT = 5;

/**
 * Every BullMQ queue of this process: K partitions (`QUEUE_PARTITIONS`) of each kind in {@link QUEUES},
 * built from the validated config (see `queue-partitions.ts`). Producers pick a job's partition with
 * {@link QueueSet.queueFor}; metrics, the dashboard and checks walk {@link QueueSet.all}; the worker
 * builds its consumers with {@link QueueSet.createWorkers}.
 *
 * On one server or Sentinel each queue and worker opens its own connections, as BullMQ does by
 * default. On a cluster they all share one cluster client (each worker adds the blocking connection
 * BullMQ duplicates from it), so a process holds 1 + 3K cluster clients, not 6K.
 */
@Injectable()
export class QueueSet implements OnApplicationShutdown {
  readonly partitions: number;
  readonly prefixes: readonly string[];
  private readonly connection: ConnectionOptions;
  private readonly shared?: Cluster;
  private readonly byName: Record<QueueName, Queue[]>;
  private closed?: Promise<void>;

  constructor(@InjectConfig() private readonly config: RicochetConfig) {
    const { url, queuePrefix, queuePartitions } = config.redis;
    const cluster = isClusterUrl(url);
    this.partitions = queuePartitions;
    this.prefixes = partitionPrefixes(queuePrefix, queuePartitions, cluster);
    if (cluster) {
      this.shared = createBullClient(url) as Cluster;
      // Errors surface on the commands and as the queues' `error` events.
      this.shared.on('error', () => undefined);
      this.connection = this.shared;
    } else {
      this.connection = bullConnectionOptions(url);
    }
    const build = (name: QueueName): Queue[] =>
      this.prefixes.map((prefix) => new Queue(name, { connection: this.connection, prefix }));
    this.byName = {
      attribution: build(QUEUES.attribution),
      delivery: build(QUEUES.delivery),
      'delivery-retry': build(QUEUES.deliveryRetry),
    };
  }

  /** The partition of `name` that holds (or will hold) the job with this id. */
  queueFor<Data = unknown>(name: QueueName, jobId: string): Queue<Data> {
    return this.byName[name][partitionOf(jobId, this.partitions)] as unknown as Queue<Data>;
  }

  /** The partitions of one queue kind, in partition order. */
  partitionsOf(name: QueueName): readonly Queue[] {
    return this.byName[name];
  }

  /** Every queue of this process. */
  all(): QueuePartition[] {
    return (Object.values(QUEUES) as QueueName[]).flatMap((name) =>
      this.byName[name].map((queue, partition) => ({ name, partition, queue })),
    );
  }

  /**
   * One BullMQ worker per partition of `name`, not yet running, sharing the process's `concurrency`
   * for this queue kind (see {@link partitionConcurrency}). The lock is renewed every half of
   * `JOB_LOCK` while a job runs, so a slow partner never makes a live job look stalled; a worker killed
   * mid-job loses its lock after at most `JOB_LOCK`, and the next stalled check (every
   * `STALLED_INTERVAL`) hands the job to a live worker. A job that stalls more than
   * {@link MAX_STALLED_COUNT} times is failed and removed; the sweeper then enqueues its work again.
   */
  createWorkers<Data>(
    name: QueueName,
    processor: (job: Job<Data>, token?: string) => Promise<void>,
    concurrency: number,
  ): PartitionWorkers<Data> {
    const { jobLockMs, stalledIntervalMs } = this.config.worker;
    return new PartitionWorkers<Data>(
      name,
      (run) =>
        this.prefixes.map(
          (prefix) =>
            new Worker<Data, void>(name, run, {
              connection: this.connection,
              prefix,
              autorun: false,
              concurrency: partitionConcurrency(concurrency, this.partitions),
              lockDuration: jobLockMs,
              lockRenewTime: jobLockMs / 2,
              stalledInterval: stalledIntervalMs,
              maxStalledCount: MAX_STALLED_COUNT,
            }),
        ),
      processor,
    );
  }

  /** After every module's `onModuleDestroy`: the workers have drained and closed by then. */
  onApplicationShutdown(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.allSettled(this.all().map(({ queue }) => queue.close()));
      if (this.shared && this.shared.status !== 'end') {
        await this.shared.quit().catch(() => this.shared?.disconnect());
      }
    })();
    return this.closed;
  }
}

/**
 * How long closing waits for BullMQ to release its connections once the last running job has ended.
 * BullMQ's close waits for its blocking connection's `end` event; on a Redis Cluster, after a failover,
 * ioredis can leave that duplicated cluster client closed without ever emitting `end`, which held the
 * worker's shutdown forever. Jobs never run past this point, so shutdown goes on without it.
 */
export const WORKER_CLOSE_GRACE_MS = 3_000;

/** The K workers of one queue kind in this process, started, observed and closed together. */
export class PartitionWorkers<Data> {
  readonly workers: readonly Worker<Data, void>[];
  private closed?: Promise<void>;
  private logger?: Logger;
  private running = 0;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    readonly name: QueueName,
    build: (run: (job: Job<Data>, token?: string) => Promise<void>) => Worker<Data, void>[],
    private readonly processor: (job: Job<Data>, token?: string) => Promise<void>,
  ) {
    this.workers = build((job, token) => this.run1(job, token));
  }

  /** True once {@link close} began (a long job checks it to stop at a checkpoint). */
  get closing(): boolean {
    return this.closed !== undefined || this.workers.some((worker) => worker.closing !== undefined);
  }

  /**
   * Starts every worker and logs what BullMQ reports: connection errors, a worker loop that stopped,
   * and jobs it failed. Only infrastructure fails a job (one stalled past {@link MAX_STALLED_COUNT}): its
   * work is still due in MongoDB, and the sweeper enqueues it again.
   */
  start(logger: Logger): void {
    const queue = this.name;
    this.logger = logger;
    for (const worker of this.workers) {
      worker.on('error', (error: Error) => logger.warn({ msg: 'worker error', queue, err: error.message }));
      worker.on('failed', (job: Job<Data> | undefined, error: Error) =>
        logger.warn({ msg: 'job failed', queue, jobId: job?.id, err: error.message }),
      );
      worker.run().catch((error: unknown) => logger.error(`${queue} worker stopped: ${String(error)}`));
    }
  }

  /**
   * Stops taking jobs at once and resolves when the running ones have finished and the workers have
   * closed, or {@link WORKER_CLOSE_GRACE_MS} after the last job ended, whichever comes first (with a
   * warning; idempotent).
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      let closed = false;
      const closing = Promise.all(this.workers.map((worker) => worker.close())).then(() => {
        closed = true;
      });
      let timer: NodeJS.Timeout | undefined;
      const grace = this.idle().then(() =>
        closed
          ? undefined
          : new Promise<void>((resolve) => (timer = setTimeout(resolve, WORKER_CLOSE_GRACE_MS))),
      );
      await Promise.race([closing, grace]);
      clearTimeout(timer);
      if (!closed) {
        this.logger?.warn(
          `${this.name} workers: BullMQ had not released its connections ${WORKER_CLOSE_GRACE_MS} ms after ` +
            'the last job ended; shutting down without waiting',
        );
      }
    })();
    return this.closed;
  }

  private async run1(job: Job<Data>, token?: string): Promise<void> {
    this.running += 1;
    try {
      await this.processor(job, token);
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Resolves when no job of these workers is running. */
  private idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
