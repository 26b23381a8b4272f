import { Injectable } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import type { PostbackOutcome } from '@ricochet/domain/model';
import { AlertNotifier } from './alert-notifier';

interface Window {
  startedAt: number;
  settled: number;
  unattributed: number;
}

/** Bound of the per-advertiser windows (advertisers are few; the map is emptied when full). */
const MAX_ADVERTISERS = 10_000;

/**
 * Watches the postbacks this worker settles, per advertiser, in tumbling windows of
 * `ALERT_UNATTRIBUTED_WINDOW`: once at least `ALERT_UNATTRIBUTED_MIN` of them ended unattributed, and
 * they are at least `ALERT_UNATTRIBUTED_PERCENT` of what the advertiser sent, it raises
 * `advertiser.unattributed_spike` (a broken click id macro on the advertiser's side looks like this).
 * In memory and per process: no Redis or MongoDB command per postback; with several workers each sees
 * its share, so the percentage holds and the minimum counts per process.
 */
@Injectable()
export class UnattributedMonitor {
  private readonly windows = new Map<string, Window>();

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    private readonly alerts: AlertNotifier,
  ) {}

  observe(advertiserId: string, outcome: PostbackOutcome, now = Date.now()): void {
    if (!this.alerts.enabled) return;
    const { unattributedMin, unattributedPercent, unattributedWindowMs } = this.config.alerts;
    let window = this.windows.get(advertiserId);
    if (window === undefined || now - window.startedAt >= unattributedWindowMs) {
      if (window === undefined && this.windows.size >= MAX_ADVERTISERS) this.windows.clear();
      window = { startedAt: now, settled: 0, unattributed: 0 };
      this.windows.set(advertiserId, window);
    }
    window.settled += 1;
    if (outcome !== 'unattributed') return;
    window.unattributed += 1;
    const percent = (window.unattributed / window.settled) * 100;
    if (window.unattributed < unattributedMin || percent < unattributedPercent) return;
    this.alerts.notify({
      kind: 'advertiser.unattributed_spike',
      subject: advertiserId,
      summary: `${window.unattributed} of ${window.settled} postbacks from advertiser ${advertiserId} found no click in the last ${Math.round((now - window.startedAt) / 1000)} s`,
      details: {
        advertiserId,
        unattributed: window.unattributed,
        settled: window.settled,
        percent: Math.round(percent),
        windowStartedAt: new Date(window.startedAt).toISOString(),
      },
    });
  }
}
