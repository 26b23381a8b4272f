import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { ConversionRepository, DeliveryRepository, PostbackRepository } from '@ricochet/persistence';
import { PipelineMetrics } from '@ricochet/observability';
import { AttributionProducer, DeliveryProducer, type EnsureResult } from '@ricochet/queue';

/** Most postbacks, conversion plans and deliveries claimed per kind in one sweep. */
export const SWEEP_BATCH = 500;

/** How many items of each kind a sweep found without a live job and enqueued again. */
export interface SweepReport {
  postbacks: number;
  plans: number;
  deliveries: number;
}

/**
 * Re-enqueues work that is due in MongoDB but has no live job: a crash between the MongoDB write and
 * the enqueue, a Redis that lost its data, a job failed after stalling too often. Each claim moves the
 * item's deadline ahead by `SWEEPER_LEASE` (atomic, so many workers can sweep at once without a
 * leader), and {@link ensureJob} leaves a live job alone and replaces an ended one, so a sweep of work
 * whose job is alive changes nothing.
 */
@Injectable()
export class SweeperService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SweeperService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<SweepReport>;

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly postbacks: PostbackRepository,
    private readonly conversions: ConversionRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly attribution: AttributionProducer,
    private readonly delivery: DeliveryProducer,
    private readonly metrics: PipelineMetrics,
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
      if (report.postbacks + report.plans + report.deliveries > 0) {
        this.logger.log({ msg: 'sweeper re-enqueued due work', ...report });
      }
    } catch (error) {
      this.logger.warn(`sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async sweep(now: Date): Promise<SweepReport> {
    const claim = { graceMs: this.config.sweeper.graceMs, leaseMs: this.config.sweeper.leaseMs };
    const report: SweepReport = { postbacks: 0, plans: 0, deliveries: 0 };
    for (const id of await this.postbacks.claimDueForSweep(now, SWEEP_BATCH, claim)) {
      if (revived(await this.attribution.ensureAttribution(id))) report.postbacks += 1;
    }
    for (const id of await this.conversions.claimPlansDueForSweep(now, SWEEP_BATCH, claim)) {
      if (revived(await this.attribution.plan(id))) report.plans += 1;
    }
    for (const { id, attempts } of await this.deliveries.claimDueForSweep(now, SWEEP_BATCH, claim)) {
      const lane = attempts > 0 ? 'retry' : 'first';
      if (revived(await this.delivery.enqueue(id, 'sweeper', { lane }))) report.deliveries += 1;
    }
    this.metrics.sweepReenqueued(report);
    return report;
  }
}

/** Whether the sweep had to (re)create the job: there was none, or it had ended. */
function revived(result: EnsureResult): boolean {
  return result === 'added' || result === 'replaced';
}
