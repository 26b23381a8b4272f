import { Injectable, Logger } from '@nestjs/common';
import type { DeliveryState } from '@ricochet/domain/model';
import { type DeliveryFilter, DeliveryRepository } from '@ricochet/persistence';
import { DeliveryProducer, type ReplayRunFilter, ReplayRunStore } from '@ricochet/queue';

/** Deliveries reset and enqueued per batch (one checkpoint each). */
export const REPLAY_BATCH_SIZE = 100;

/** A run ran to its end, or has to stop for now (the worker is shutting down) and resume later. */
export type ReplayResult = 'done' | 'paused';

/**
 * Executes one bulk replay (job `bulk-replay`): walks the matching deliveries in ascending id order
 * from the run's checkpoint, resets each to `pending` and queues a manual attempt, and checkpoints
 * after every batch. A killed worker's job is taken over (stalled-job recovery) and resumes after the
 * last checkpoint: at most one batch is replayed twice, which a replay tolerates.
 */
@Injectable()
export class BulkReplayRunner {
  private readonly logger = new Logger(BulkReplayRunner.name);

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly producer: DeliveryProducer,
    private readonly runs: ReplayRunStore,
  ) {}

  /** @param stopping polled between batches: true once the worker is shutting down. */
  async run(runId: string, stopping: () => boolean): Promise<ReplayResult> {
    const run = await this.runs.get(runId);
    if (!run || run.done) return 'done';
    const filter = toDeliveryFilter(run.filter);
    let afterId = run.afterId;
    try {
      for (;;) {
        if (stopping()) return 'paused';
        const ids = await this.deliveries.listIdsByFilter(filter, { afterId, limit: REPLAY_BATCH_SIZE });
        if (ids.length === 0) break;
        let enqueued = 0;
        for (const id of ids) {
          const delivery = await this.deliveries.resetForReplay(id);
          if (!delivery) continue;
          await this.producer.enqueue(delivery.id, 'manual');
          enqueued += 1;
        }
        afterId = ids[ids.length - 1];
        await this.runs.checkpoint(runId, afterId, enqueued);
      }
    } catch (error) {
      // Infrastructure: the processor retries the job, which resumes from the checkpoint.
      this.logger.warn({ msg: 'bulk replay interrupted', runId, err: String(error) });
      throw error;
    }
    await this.runs.finish(runId, new Date());
    this.logger.log({ msg: 'bulk replay done', runId });
    return 'done';
  }
}

function toDeliveryFilter(stored: ReplayRunFilter): DeliveryFilter {
  return {
    ...(stored.state !== undefined ? { state: stored.state as DeliveryState | DeliveryState[] } : {}),
    ...(stored.endpointId !== undefined ? { endpointId: stored.endpointId } : {}),
    ...(stored.sourceId !== undefined ? { sourceId: stored.sourceId } : {}),
    ...(stored.conversionId !== undefined ? { conversionId: stored.conversionId } : {}),
    ...(stored.from !== undefined ? { from: new Date(stored.from) } : {}),
    ...(stored.to !== undefined ? { to: new Date(stored.to) } : {}),
  };
}
