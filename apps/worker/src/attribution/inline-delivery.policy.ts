import { Injectable } from '@nestjs/common';

/** A first attempt slower than this sends the endpoint's next first attempts through the delivery queue. */
export const INLINE_SLOW_MS = 1_000;
/** How long an endpoint that was slow or failing stays on the queue path before it is tried inline again. */
export const INLINE_COOLDOWN_MS = 60_000;

/**
 * Decides, per endpoint and per process, whether the attribution job makes a first attempt itself or
 * hands it to the `delivery` queue. Inline saves a whole BullMQ job per conversion (most of its Redis
 * commands and latency) but holds an attribution slot while the request is in flight; so an endpoint
 * that answered slowly or failed is moved to the queue path for a while, and a slow partner cannot
 * hold up attribution for everyone else.
 */
@Injectable()
export class InlineDeliveryPolicy {
  private readonly queuedUntil = new Map<string, number>();

  allowsInline(endpointId: string, now = Date.now()): boolean {
    const until = this.queuedUntil.get(endpointId);
    if (until === undefined) return true;
    if (until > now) return false;
    this.queuedUntil.delete(endpointId);
    return true;
  }

  observe(endpointId: string, durationMs: number, succeeded: boolean, now = Date.now()): void {
    if (succeeded && durationMs <= INLINE_SLOW_MS) return;
    if (this.queuedUntil.size >= 10_000) this.queuedUntil.clear();
    this.queuedUntil.set(endpointId, now + INLINE_COOLDOWN_MS);
  }
}
