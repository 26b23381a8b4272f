import type { RicochetConfig } from '@ricochet/config';

/** QUEUE_DASHBOARD: `off`, `read-only` (the default) or `read-write`. */
export type QueueDashboardMode = RicochetConfig['admin']['queueDashboard'];

/** The configured mode (`QUEUE_DASHBOARD`). */
export function queueDashboardModeOf(config: RicochetConfig): QueueDashboardMode {
  return config.admin.queueDashboard;
}
