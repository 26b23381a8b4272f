import { Injectable, Logger } from '@nestjs/common';
import { AttributionProducer } from '@ricochet/queue';

/**
 * How long a request waits for Redis to take an attribution job. BullMQ's connection queues commands
 * while Redis is away, so an unbounded wait would hold the advertiser's request open; the postback is
 * already durable in MongoDB and the sweeper enqueues it later.
 */
export const ENQUEUE_BUDGET_MS = 1_000;

/** Enqueues attribution on the request path without ever failing or stalling the request. */
@Injectable()
export class AttributionDispatch {
  private readonly logger = new Logger(AttributionDispatch.name);

  constructor(private readonly producer: AttributionProducer) {}

  /** @returns whether the job was enqueued within the budget. */
  dispatch(postbackId: string): Promise<boolean> {
    return this.withinBudget(postbackId, this.producer.attribute(postbackId));
  }

  /** For a postback that may already have a job (parked, waiting for its click): run it now. */
  redispatch(postbackId: string): Promise<boolean> {
    return this.withinBudget(postbackId, this.producer.ensureAttribution(postbackId));
  }

  private async withinBudget(postbackId: string, enqueue: Promise<unknown>): Promise<boolean> {
    const enqueued = enqueue.then(
      () => true,
      (error: unknown) => {
        this.logger.warn({
          msg: 'attribution enqueue failed; the sweeper will pick the postback up',
          postbackId,
          err: error instanceof Error ? error.message : String(error),
        });
        return false;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ENQUEUE_BUDGET_MS);
      timer.unref();
    });
    const done = await Promise.race([enqueued, timeout]);
    clearTimeout(timer);
    return done;
  }
}
