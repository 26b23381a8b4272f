import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@ricochet/observability';
import { Counter, Histogram, type Registry } from 'prom-client';

/** What happened to one delivery job: the attempt's outcome, or why no attempt was made. */
export type DeliveryJobOutcome =
  'delivered' | 'retry' | 'dead' | 'gone' | 'breaker_open' | 'rate_limited' | 'skipped';

/** Delivery metrics on the process's registry (`/metrics`). */
@Injectable()
export class DeliveryMetrics {
  private readonly outcomes: Counter<'outcome' | 'error_class'>;
  private readonly duration: Histogram<'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.outcomes = new Counter({
      name: 'ricochet_delivery_jobs_total',
      help: 'Delivery jobs by outcome and error class (empty when none)',
      labelNames: ['outcome', 'error_class'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'ricochet_delivery_attempt_duration_seconds',
      help: 'Duration of outgoing delivery HTTP attempts',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers: [registry],
    });
  }

  count(outcome: DeliveryJobOutcome, errorClass = ''): void {
    this.outcomes.inc({ outcome, error_class: errorClass });
  }

  observeAttempt(outcome: DeliveryJobOutcome, durationMs: number): void {
    this.duration.observe({ outcome }, durationMs / 1000);
  }
}
