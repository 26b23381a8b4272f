/**
 * The shared vocabulary of Ricochet's domain. Plain types only: persistence, queue and the
 * apps build on these so a status or an outcome is spelled one way everywhere.
 */

/** Money is stored and computed as integer micro-units (1 unit = 1_000_000 micros), never as a float. */
export type Micros = number;

export const CONVERSION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number];

export const DEFAULT_EVENT = 'conversion';

/** A click's free sub-id slots, `sub1` … `sub10` (stored on the click, usable as macros). */
export const SUB_KEYS = [
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'sub6',
  'sub7',
  'sub8',
  'sub9',
  'sub10',
] as const;
export type SubKey = (typeof SUB_KEYS)[number];

/** Where an authenticated postback ended up after intake and attribution. */
export const POSTBACK_OUTCOMES = [
  'accepted', // stored, attribution pending
  'attributed',
  'duplicate',
  'unattributed', // click never appeared within CLICK_WAIT; replayable
  'rejected', // see rejectReason
] as const;
export type PostbackOutcome = (typeof POSTBACK_OUTCOMES)[number];

export const DELIVERY_STATES = ['pending', 'delivered', 'failed', 'dead'] as const;
/** pending: waiting for its (next) attempt; failed: last attempt failed, a retry is scheduled; dead: no more automatic tries. */
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const ATTEMPT_TRIGGERS = ['first', 'retry', 'manual', 'sweeper'] as const;
export type AttemptTrigger = (typeof ATTEMPT_TRIGGERS)[number];

export const HTTP_METHODS = ['GET', 'POST'] as const;
export type ForwardMethod = (typeof HTTP_METHODS)[number];

export const BODY_FORMATS = ['json', 'form'] as const;
export type BodyFormat = (typeof BODY_FORMATS)[number];

export const OFFER_STATES = ['active', 'paused'] as const;
export type OfferState = (typeof OFFER_STATES)[number];

/** How a source's payout is derived from the revenue. */
export type PayoutRule =
  | { type: 'passthrough' }
  | { type: 'fixed'; amount: Micros }
  /** percent in basis points of a percent is overkill: 1 = 1 %, decimals allowed as micros of a percent. */
  | { type: 'percent'; percentMicros: Micros };

/** A payout rule plus optional per-event overrides (`{ ftd: { type: 'fixed', ... } }`). */
export interface PayoutPolicy {
  rule: PayoutRule;
  perEvent?: Record<string, PayoutRule>;
}

/** Canonical postback fields after alias resolution. */
export const CANONICAL_PARAMS = ['clickId', 'payout', 'txid', 'status', 'event', 'currency'] as const;
export type CanonicalParam = (typeof CANONICAL_PARAMS)[number];

export interface EndpointSigning {
  /** Standard Webhooks secret (`whsec_…`); never copied into job data or logs. */
  secret: string;
}
