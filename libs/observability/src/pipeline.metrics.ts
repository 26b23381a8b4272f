import { Inject, Injectable } from '@nestjs/common';
import { CONVERSION_STATUSES } from '@ricochet/domain/model';
import { Counter, type Registry } from 'prom-client';
import { postbackOutcomeLabel, postbackReasonLabel } from './metric-labels';
import { METRICS_REGISTRY } from './metrics.controller';

/** Who moved a conversion into a status. */
export type ConversionActor = 'postback' | 'admin';

/** What one sweep re-enqueued, per kind of work (the sweeper's report). */
export interface SweepCounts {
  postbacks: number;
  plans: number;
  deliveries: number;
}

const STATUSES: ReadonlySet<string> = new Set<string>(CONVERSION_STATUSES);

/**
 * Counters of the relay's story after intake, recorded by the worker (and the admin API for manual
 * status changes). Every label is a closed set: outcomes, reason codes, statuses, kinds.
 * - `ricochet_postbacks_settled_total{outcome,reason}`: how attribution ended an accepted postback;
 * - `ricochet_conversions_total{status,by}`: a conversion entering a status (a new conversion counts
 *   once in its first status; every later change counts again in the new one);
 * - `ricochet_sweeper_reenqueued_total{kind}`: due work the sweeper found without a live job and
 *   enqueued again (a lost enqueue, a Redis that lost its data).
 */
@Injectable()
export class PipelineMetrics {
  private readonly settledCounter: Counter<'outcome' | 'reason'>;
  private readonly conversions: Counter<'status' | 'by'>;
  private readonly sweeper: Counter<'kind'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.settledCounter = new Counter({
      name: 'ricochet_postbacks_settled_total',
      help: 'Accepted postbacks by attribution outcome (attributed, duplicate, unattributed, rejected) and reject reason',
      labelNames: ['outcome', 'reason'],
      registers: [registry],
    });
    this.conversions = new Counter({
      name: 'ricochet_conversions_total',
      help: 'Conversions entering a status (pending, approved, rejected), by who moved them (postback, admin)',
      labelNames: ['status', 'by'],
      registers: [registry],
    });
    this.sweeper = new Counter({
      name: 'ricochet_sweeper_reenqueued_total',
      help: 'Due work the sweeper found without a live job and enqueued again, by kind (postback, plan, delivery)',
      labelNames: ['kind'],
      registers: [registry],
    });
  }

  /** Attribution ended a postback with `outcome` (and `reason` when it rejected it). */
  postbackSettled(outcome: string, reason?: string): void {
    this.settledCounter.inc({ outcome: postbackOutcomeLabel(outcome), reason: postbackReasonLabel(reason) });
  }

  /** A conversion was created in, or moved to, `status`. */
  conversionStatus(status: string, by: ConversionActor): void {
    this.conversions.inc({ status: STATUSES.has(status) ? status : 'other', by });
  }

  /** One sweep's report. */
  sweepReenqueued(report: SweepCounts): void {
    if (report.postbacks > 0) this.sweeper.inc({ kind: 'postback' }, report.postbacks);
    if (report.plans > 0) this.sweeper.inc({ kind: 'plan' }, report.plans);
    if (report.deliveries > 0) this.sweeper.inc({ kind: 'delivery' }, report.deliveries);
  }
}
