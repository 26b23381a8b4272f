import { collectDefaultMetrics, Registry } from 'prom-client';

/** The deployables, as they name themselves in logs and metrics. */
export type AppName = 'gateway' | 'worker' | 'all-in-one';

/**
 * One Prometheus registry per process (not prom-client's global one), so tests that build several apps
 * in one process never collide on metric names.
 */
export function createMetricsRegistry(app: AppName): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}
