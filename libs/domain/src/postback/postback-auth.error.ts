/** Stable machine codes of {@link PostbackAuthError}. */
export const POSTBACK_AUTH_ERROR_CODES = [
  'INVALID_TOKEN',
  'IP_NOT_ALLOWED',
  'INVALID_SIGNATURE',
  'INVALID_TIMESTAMP',
  'SIGNATURE_EXPIRED',
] as const;
export type PostbackAuthErrorCode = (typeof POSTBACK_AUTH_ERROR_CODES)[number];

/**
 * A postback the intake refuses before reading its parameters: an unknown token (401, counted, never
 * stored) or a known advertiser's request that fails its IP allowlist or signature (403, stored as
 * `rejected` with the code as reason). The message starts with the code and says how to fix it.
 */
export class PostbackAuthError extends Error {
  override readonly name = 'PostbackAuthError';

  constructor(
    readonly code: PostbackAuthErrorCode,
    /** What is wrong and how to fix it, without the code prefix. */
    readonly detail: string,
    /** The parameter or header at fault, when there is one (`X-Timestamp`, `sig`). */
    readonly param?: string,
  ) {
    super(`${code}: ${detail}`);
  }

  /** 401 for a missing or unknown token, 403 for everything a known advertiser failed. */
  get statusCode(): 401 | 403 {
    return this.code === 'INVALID_TOKEN' ? 401 : 403;
  }
}

/** True for a PostbackAuthError, also across module copies (checks the stable `name`). */
export function isPostbackAuthError(err: unknown): err is PostbackAuthError {
  return err instanceof PostbackAuthError || (err instanceof Error && err.name === 'PostbackAuthError');
}
