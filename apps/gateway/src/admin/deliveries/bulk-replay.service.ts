import { randomUUID } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import { DeliveryRepository } from '@ricochet/persistence';
import { AttributionProducer, ReplayRunStore } from '@ricochet/queue';
import type { BulkReplayBody, BulkReplayResponse, ReplayProgressResponse } from './dto/bulk-replay.dto';

/**
 * Bulk replay by filter: counts, then hands the run to the worker as one resumable job (`bulk-replay`)
 * that walks the selection in id order, checkpointing after every batch, so a restart of any process
 * neither loses nor restarts the run.
 */
@Injectable()
export class BulkReplayService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly producer: AttributionProducer,
    private readonly runs: ReplayRunStore,
  ) {}

  async start(body: BulkReplayBody): Promise<BulkReplayResponse> {
    const { dryRun, from, to, ...filter } = body;
    const matched = await this.deliveries.countByFilter({ ...filter, from, to });
    if (dryRun === true) return { matched };
    const replayId = randomUUID();
    await this.runs.start(
      replayId,
      {
        ...filter,
        ...(from !== undefined ? { from: from.toISOString() } : {}),
        ...(to !== undefined ? { to: to.toISOString() } : {}),
      },
      matched,
      new Date(),
    );
    await this.producer.bulkReplay(replayId);
    return { replayId, matched };
  }

  async progressOf(replayId: string): Promise<ReplayProgressResponse> {
    const run = await this.runs.get(replayId);
    if (!run) {
      throw new NotFoundException({ code: 'NOT_FOUND', message: `bulk replay "${replayId}" not found` });
    }
    const { runId, filter: _filter, afterId: _afterId, ...progress } = run;
    return { replayId: runId, ...progress };
  }
}
