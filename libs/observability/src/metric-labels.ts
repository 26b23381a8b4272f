import { POSTBACK_OUTCOMES } from '@ricochet/domain/model';
import { POSTBACK_AUTH_ERROR_CODES, POSTBACK_PARAM_ERROR_CODES } from '@ricochet/domain/postback';

/**
 * Why attribution refuses a postback (`rejectReason` written by the worker), besides the intake's
 * authentication and parameter codes.
 */
export const ATTRIBUTION_REJECT_REASONS = [
  'ADVERTISER_MISMATCH',
  'OFFER_NOT_FOUND',
  'CLICK_EXPIRED',
  'INVALID_TRANSITION',
] as const;

/** What a reason label becomes when the code is not one of the known ones. */
export const OTHER_REASON = 'OTHER';

const KNOWN_REASONS: ReadonlySet<string> = new Set<string>([
  ...POSTBACK_AUTH_ERROR_CODES,
  ...POSTBACK_PARAM_ERROR_CODES,
  ...ATTRIBUTION_REJECT_REASONS,
]);

const KNOWN_OUTCOMES: ReadonlySet<string> = new Set<string>(POSTBACK_OUTCOMES);

/**
 * A postback refusal code as a metric label: one of the stable machine codes, `OTHER` for anything
 * else, `''` for none. A label value never comes from request data, so the series stay few.
 */
export function postbackReasonLabel(code: string | undefined): string {
  if (code === undefined || code === '') return '';
  return KNOWN_REASONS.has(code) ? code : OTHER_REASON;
}

/** A postback outcome as a metric label (`other` for a value the model does not know). */
export function postbackOutcomeLabel(outcome: string): string {
  return KNOWN_OUTCOMES.has(outcome) ? outcome : 'other';
}
