import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Gauge, type Registry } from 'prom-client';
import { CollectorErrors } from './collector-errors';
import { METRICS_REGISTRY } from './metrics.controller';
import { ScrapeCache } from './scrape-cache';

/** Delivery states counted in MongoDB on scrape: the ones an operator acts on. */
export const COUNTED_DELIVERY_STATES = ['dead', 'failed'] as const;

/**
 * Counts are index scans (`{ state, nextAttemptAt }`): fresh every 15 s; MongoDB stops a count after
 * 2 s (`maxTimeMS`) and a scrape waits at most 2.5 s, so a frozen database never hangs `/metrics`.
 */
export const DELIVERY_SCRAPE = { ttlMs: 15_000, timeoutMs: 2_500, maxTimeMs: 2_000 } as const;

/**
 * `ricochet_deliveries{state}`: deliveries that need attention, counted in MongoDB — `dead` (no more
 * automatic tries: replay or give up) and `failed` (a retry is scheduled). MongoDB is the source of
 * truth across every worker and restart, so these never reset the way a process's counters do.
 */
@Injectable()
export class DeliveryBacklogMetrics {
  private readonly cache: ScrapeCache<Record<string, number>>;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @InjectConnection() private readonly connection: Connection,
    private readonly errors: CollectorErrors,
  ) {
    this.cache = new ScrapeCache(() => this.count(), DELIVERY_SCRAPE);
    const gauge: Gauge<'state'> = new Gauge({
      name: 'ricochet_deliveries',
      help: 'Deliveries by state, counted in MongoDB on scrape (dead, failed; cached 15 s)',
      labelNames: ['state'],
      registers: [registry],
      collect: () => {
        gauge.reset();
        return this.errors.guard('deliveries', async () => {
          const counts = await this.cache.get();
          for (const state of COUNTED_DELIVERY_STATES) gauge.set({ state }, counts[state] ?? 0);
        });
      },
    });
  }

  /** Forgets the cached counts: the next scrape counts again. */
  expireCache(): void {
    this.cache.expire();
  }

  private async count(): Promise<Record<string, number>> {
    const db = this.connection.db;
    if (!db) throw new Error('MongoDB not connected');
    const deliveries = db.collection('deliveries');
    const counts = await Promise.all(
      COUNTED_DELIVERY_STATES.map((state) =>
        deliveries.countDocuments({ state }, { maxTimeMS: DELIVERY_SCRAPE.maxTimeMs }),
      ),
    );
    return Object.fromEntries(COUNTED_DELIVERY_STATES.map((state, i) => [state, counts[i]]));
  }
}
