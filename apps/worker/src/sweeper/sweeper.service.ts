import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { DeliveryRepository, PostbackRepository } from '@ricochet/persistence';
import { AttributionProducer, DeliveryProducer } from '@ricochet/queue';

/** Most postbacks and deliveries claimed per kind in one sweep. */
export const SWEEP_BATCH = 500;

export interface SweepReport {
  postbacks: number;
  deliveries: number;
}

/**
 * Re-enqueues work that is due but has no live job (DESIGN §7): a crash between the MongoDB write and
 * the enqueue, or a Redis that lost its data. Claims move `nextAttemptAt` ahead by a lease, and job ids
 * are deterministic, so a sweep of work whose job is alive is harmless.
 */
@Injectable()
export class SweeperService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SweeperService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<SweepReport>;

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly postbacks: PostbackRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly attribution: AttributionProducer,
    private readonly delivery: DeliveryProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.sweeper.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * One sweep; a sweep already running is joined rather than overlapped.
   * @throws when MongoDB or Redis fails (the timer logs it and tries again next interval).
   */
  sweepOnce(now: Date = new Date()): Promise<SweepReport> {
    this.running ??= this.sweep(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async tick(): Promise<void> {
    try {
      const report = await this.sweepOnce();
      if (report.postbacks + report.deliveries > 0) {
        this.logger.log({ msg: 'sweeper re-enqueued due work', ...report });
      }
    } catch (error) {
      this.logger.warn(`sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async sweep(now: Date): Promise<SweepReport> {
    const postbackIds = await this.postbacks.claimDueForSweep(now, SWEEP_BATCH);
    for (const id of postbackIds) {
      const postback = await this.postbacks.findById(id);
      await this.attribution.attribute(id, postback?.attributionAttempts ?? 0);
    }
    const deliveryIds = await this.deliveries.claimDueForSweep(now, SWEEP_BATCH);
    for (const id of deliveryIds) {
      const delivery = await this.deliveries.findById(id);
      if (delivery) await this.delivery.enqueue(id, delivery.attempts + 1, 'sweeper');
    }
    return { postbacks: postbackIds.length, deliveries: deliveryIds.length };
  }
}
