import { Injectable, Logger, NotFoundException, type OnModuleDestroy } from '@nestjs/common';
import { type DeliveryFilter, DeliveryRepository } from '@ricochet/persistence';
import { DeliveryProducer } from '@ricochet/queue';
import { randomUUID } from 'node:crypto';
import type { BulkReplayBody, BulkReplayResponse, ReplayProgressResponse } from './dto/bulk-replay.dto';
import { ReplayProgressStore } from './replay-progress.store';

/** Deliveries reset and enqueued per round trip of a bulk replay. */
const BATCH_SIZE = 100;

/**
 * Bulk replay by filter (DESIGN §8): counts, then walks the selection in id order in the background of
 * this gateway process, resetting each delivery to pending and queueing a manual attempt.
 */
@Injectable()
export class BulkReplayService implements OnModuleDestroy {
  private readonly logger = new Logger(BulkReplayService.name);
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly producer: DeliveryProducer,
    private readonly progress: ReplayProgressStore,
  ) {}

  async start(body: BulkReplayBody): Promise<BulkReplayResponse> {
    const { dryRun, ...filter } = body;
    const matched = await this.deliveries.countByFilter(filter);
    if (dryRun === true) return { matched };
    const replayId = randomUUID();
    await this.progress.start(replayId, matched, new Date());
    const run = this.run(replayId, filter).finally(() => this.running.delete(run));
    this.running.add(run);
    return { replayId, matched };
  }

  async progressOf(replayId: string): Promise<ReplayProgressResponse> {
    const progress = await this.progress.get(replayId);
    if (!progress) {
      throw new NotFoundException({ code: 'NOT_FOUND', message: `bulk replay "${replayId}" not found` });
    }
    return progress;
  }

  /** Lets a run in progress stop between batches; the run records that it was interrupted. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  private async run(replayId: string, filter: DeliveryFilter): Promise<void> {
    let error: string | undefined;
    try {
      let afterId: string | undefined;
      for (;;) {
        if (this.stopping) {
          error = 'interrupted by shutdown';
          break;
        }
        const ids = await this.deliveries.listIdsByFilter(filter, { afterId, limit: BATCH_SIZE });
        if (ids.length === 0) break;
        let enqueued = 0;
        for (const id of ids) {
          const delivery = await this.deliveries.resetForReplay(id);
          if (!delivery) continue;
          await this.producer.enqueue(delivery.id, delivery.attempts + 1, 'manual');
          enqueued += 1;
        }
        await this.progress.addEnqueued(replayId, enqueued);
        afterId = ids[ids.length - 1];
      }
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
      this.logger.error({ msg: 'bulk replay failed', replayId, err: error });
    }
    await this.progress.finish(replayId, new Date(), error).catch((cause: unknown) => {
      this.logger.error({ msg: 'bulk replay progress not recorded', replayId, err: String(cause) });
    });
  }
}
