/**
 * Stable machine codes of {@link PostbackParamError}. The gateway answers them with HTTP 400, except
 * TOO_MANY_PARAMETERS (413, a size limit) and UNSUPPORTED_MEDIA_TYPE (415); see
 * {@link postbackParamErrorStatus}.
 */
export const POSTBACK_PARAM_ERROR_CODES = [
  'MISSING_CLICK_ID',
  'INVALID_CLICK_ID',
  'DUPLICATE_PARAMETER',
  'INVALID_PAYOUT',
  'UNKNOWN_STATUS',
  'INVALID_CURRENCY',
  'INVALID_TXID',
  'INVALID_EVENT',
  'PARAMETER_TOO_LONG',
  'INVALID_PARAMETER_NAME',
  'TOO_MANY_PARAMETERS',
  'INVALID_JSON',
  'INVALID_JSON_SHAPE',
  'JSON_TOO_DEEP',
  'UNSUPPORTED_MEDIA_TYPE',
] as const;
export type PostbackParamErrorCode = (typeof POSTBACK_PARAM_ERROR_CODES)[number];

/**
 * A postback the intake refuses because of one parameter. `param` is the name as the advertiser sent
 * it (`amount`, not `payout`), and the message starts with the code, names that parameter and says how
 * to fix it: `INVALID_PAYOUT: "amount" must be a decimal number like 12.50, got "12,5"`.
 */
export class PostbackParamError extends Error {
  override readonly name = 'PostbackParamError';

  constructor(
    readonly code: PostbackParamErrorCode,
    /** Undefined when no single parameter causes it (TOO_MANY_PARAMETERS, a body that is not JSON …). */
    readonly param: string | undefined,
    /** What is wrong and how to fix it, without the code prefix. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** True for a PostbackParamError, also across module copies (checks the stable `name`). */
export function isPostbackParamError(err: unknown): err is PostbackParamError {
  return err instanceof PostbackParamError || (err instanceof Error && err.name === 'PostbackParamError');
}

/** The HTTP status the intake answers a {@link PostbackParamError} with. */
export function postbackParamErrorStatus(code: PostbackParamErrorCode): number {
  if (code === 'TOO_MANY_PARAMETERS') return 413;
  if (code === 'UNSUPPORTED_MEDIA_TYPE') return 415;
  return 400;
}
