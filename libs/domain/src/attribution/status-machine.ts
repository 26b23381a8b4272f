import type { ConversionStatus } from '../model';

/** What a postback does to the conversion stored under its dedup key. */
export type TransitionDecision =
  /** No conversion under this key yet: create it with the incoming status. */
  | { kind: 'create' }
  /** Same key, same status: outcome `duplicate`, nothing forwarded. */
  | { kind: 'duplicate' }
  /** An allowed status change; `reversal` marks approved → rejected (chargeback). */
  | { kind: 'transition'; from: ConversionStatus; to: ConversionStatus; reversal: boolean }
  /** A change the status machine forbids: outcome `rejected: INVALID_TRANSITION`. */
  | { kind: 'invalid'; reason: 'INVALID_TRANSITION'; from: ConversionStatus; to: ConversionStatus };

const ALLOWED: Readonly<Record<ConversionStatus, readonly ConversionStatus[]>> = {
  pending: ['approved', 'rejected'],
  approved: ['rejected'],
  rejected: [],
};

/**
 * The status machine: pending → approved, pending → rejected and approved → rejected
 * (a reversal) are allowed; the same status again is a duplicate; everything else, such as
 * rejected → approved or approved → pending, is invalid. A rejected conversion is final.
 */
export function decideTransition(
  current: ConversionStatus | undefined,
  incoming: ConversionStatus,
): TransitionDecision {
  if (current === undefined) return { kind: 'create' };
  if (current === incoming) return { kind: 'duplicate' };
  if (ALLOWED[current].includes(incoming)) {
    return { kind: 'transition', from: current, to: incoming, reversal: current === 'approved' };
  }
  return { kind: 'invalid', reason: 'INVALID_TRANSITION', from: current, to: incoming };
}
