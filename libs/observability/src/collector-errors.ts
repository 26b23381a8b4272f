import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics.controller';

/** The scrape-time collectors, as they name themselves in `ricochet_metrics_collector_errors_total`. */
export type CollectorName = 'queues' | 'deliveries' | 'breakers' | 'dependencies';

/**
 * Counts scrape-time collectors that could not answer (a timeout, a database error). Their own series are
 * left out of that scrape rather than served stale, so a gap in a gauge plus this counter tell the story.
 * The counter is written after the collectors of the same scrape have finished, so a failure shows in
 * the scrape it happened in.
 */
@Injectable()
export class CollectorErrors {
  private readonly errors: Counter<'collector'>;
  private readonly running = new Set<Promise<void>>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.errors = new Counter({
      name: 'ricochet_metrics_collector_errors_total',
      help: 'Scrapes in which a collector (queues, deliveries, breakers, dependencies) failed or timed out',
      labelNames: ['collector'],
      registers: [registry],
      collect: async () => {
        // Every metric's collect starts in the same tick (prom-client starts them all, then awaits them
        // together): one turn later, this scrape's collectors are all in `running`.
        await Promise.resolve();
        await Promise.all(this.running);
      },
    });
  }

  /** Runs one collector's scrape-time work; a failure is counted, never thrown. */
  async guard(collector: CollectorName, work: () => Promise<void>): Promise<void> {
    const run = work().catch(() => this.errors.inc({ collector }));
    this.running.add(run);
    try {
      await run;
    } finally {
      this.running.delete(run);
    }
  }
}
