import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { signStandardWebhook } from '@ricochet/domain/delivery';
import { createBullClient, type RedisClient } from '@ricochet/queue';
import { request } from 'undici';

/** What an operator is told about. */
export type AlertKind =
  'delivery.dead' | 'endpoint.breaker_opened' | 'endpoint.disabled' | 'advertiser.unattributed_spike';

export interface Alert {
  kind: AlertKind;
  /** What the alert is about (an endpoint or advertiser id): one alert per kind and subject per interval. */
  subject: string;
  /** One line a person reads first. */
  summary: string;
  details: Record<string, unknown>;
}

/** The JSON body of a `generic` alert. */
export interface AlertEvent extends Alert {
  id: string;
  occurredAt: string;
  /** Alerts of the same kind and subject this process held back since the last one it sent. */
  suppressed: number;
}

/** An alert webhook that does not answer within this is given up (alerts are best effort). */
const ALERT_TIMEOUT_MS = 5_000;
/** Bound of the local suppressed-count map (subjects are endpoints and advertisers: few). */
const MAX_TRACKED_SUBJECTS = 10_000;

/**
 * Sends operator alerts to `ALERT_WEBHOOK_URL`: a generic JSON event or a Slack-compatible
 * `{ text }` message, signed with Standard Webhooks headers when `ALERT_WEBHOOK_SECRET` is set.
 *
 * Rate-limited across every worker by one Redis key per kind and subject (`SET NX PX`), so an endpoint
 * that keeps failing yields one alert per `ALERT_INTERVAL`, carrying how many were held back. Best
 * effort and never in the way: `notify` returns at once, a failed send is logged and dropped (the
 * metrics and their alert rules are the durable signal). Off, and free, while no URL is set.
 */
@Injectable()
export class AlertNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger(AlertNotifier.name);
  private client?: RedisClient;
  private readonly suppressed = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(@InjectConfig() private readonly config: RicochetConfig) {}

  get enabled(): boolean {
    return this.config.alerts.webhookUrl !== undefined;
  }

  /** Queues the alert for sending, unless alerts are off or one like it went out within the interval. */
  notify(alert: Alert): void {
    if (!this.enabled) return;
    const sending = this.gateAndSend(alert).catch((error: unknown) => {
      this.logger.warn({
        msg: 'alert not sent',
        kind: alert.kind,
        subject: alert.subject,
        err: messageOf(error),
      });
    });
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  /** Resolves once every alert queued so far is sent or given up (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.settled();
    this.client?.disconnect();
  }

  private async gateAndSend(alert: Alert): Promise<void> {
    const key = `${this.config.redis.queuePrefix}:alert:${alert.kind}:${alert.subject}`;
    const won = await this.redis().set(key, '1', 'PX', this.config.alerts.intervalMs, 'NX');
    if (won === null) {
      if (this.suppressed.size >= MAX_TRACKED_SUBJECTS) this.suppressed.clear();
      this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1);
      return;
    }
    const suppressed = this.suppressed.get(key) ?? 0;
    this.suppressed.delete(key);
    const event: AlertEvent = {
      id: `alert_${randomUUID()}`,
      occurredAt: new Date().toISOString(),
      ...alert,
      suppressed,
    };
    await this.send(event);
    this.logger.log({ msg: 'alert sent', kind: alert.kind, subject: alert.subject, suppressed });
  }

  private async send(event: AlertEvent): Promise<void> {
    const { webhookUrl, format, secret } = this.config.alerts;
    const body = JSON.stringify(format === 'slack' ? toSlack(event) : event);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Ricochet-Alerts',
    };
    if (secret !== '') {
      Object.assign(
        headers,
        signStandardWebhook({ id: event.id, timestampSec: Math.floor(Date.now() / 1000), body, secret }),
      );
    }
    const response = await request(webhookUrl ?? '', {
      method: 'POST',
      headers,
      body,
      headersTimeout: ALERT_TIMEOUT_MS,
      bodyTimeout: ALERT_TIMEOUT_MS,
      signal: AbortSignal.timeout(ALERT_TIMEOUT_MS),
    });
    await response.body.dump();
    if (response.statusCode >= 300) throw new Error(`the alert webhook answered HTTP ${response.statusCode}`);
  }

  private redis(): RedisClient {
    if (!this.client) {
      this.client = createBullClient(this.config.redis.url);
      // Failures surface on the command (and the alert is dropped with a warning).
      this.client.on('error', () => undefined);
    }
    return this.client;
  }
}

/** A Slack incoming-webhook message (also understood by Mattermost, Rocket.Chat and Teams' Slack mode). */
export function toSlack(event: AlertEvent): { text: string } {
  const more = event.suppressed > 0 ? ` (+${event.suppressed} more like it since the last alert)` : '';
  const facts = Object.entries(event.details)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `• ${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('\n');
  return { text: `*Ricochet — ${event.kind}*: ${event.summary}${more}\n${facts}` };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
