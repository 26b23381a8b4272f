/** Stable machine codes of {@link PostbackConfigError}. */
export const POSTBACK_CONFIG_ERROR_CODES = ['INVALID_PARAM_MAP', 'INVALID_STATUS_MAP'] as const;
export type PostbackConfigErrorCode = (typeof POSTBACK_CONFIG_ERROR_CODES)[number];

/**
 * An advertiser's `paramMap` or `statusMap` that cannot be saved. Raised by the admin API at save time
 * (HTTP 400), so a bad mapping never reaches the intake. `param` is the path of the offending field
 * (`paramMap.clickId`, `statusMap.5`).
 */
export class PostbackConfigError extends Error {
  override readonly name = 'PostbackConfigError';

  constructor(
    readonly code: PostbackConfigErrorCode,
    readonly param: string,
    readonly detail: string,
    /** A concrete suggestion, when there is one. */
    readonly hint?: string,
  ) {
    super(`${code}: ${detail}${hint ? ` (${hint})` : ''}`);
  }
}

/** True for a PostbackConfigError, also across module copies (checks the stable `name`). */
export function isPostbackConfigError(err: unknown): err is PostbackConfigError {
  return err instanceof PostbackConfigError || (err instanceof Error && err.name === 'PostbackConfigError');
}
