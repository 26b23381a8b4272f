/** Stable machine codes of {@link TemplateError}; the admin API answers every one with HTTP 400. */
export const TEMPLATE_ERROR_CODES = [
  'UNKNOWN_MACRO',
  'MACRO_NOT_ALLOWED',
  'FOREIGN_MACRO_SYNTAX',
  'INVALID_MACRO_SYNTAX',
  'UNBALANCED_BRACE',
  'INVALID_URL_TEMPLATE',
  'INVALID_JSON_TEMPLATE',
  'INVALID_FORM_TEMPLATE',
  'INVALID_HEADER_TEMPLATE',
  'TEMPLATE_TOO_LONG',
] as const;
export type TemplateErrorCode = (typeof TEMPLATE_ERROR_CODES)[number];

/**
 * A template that cannot be saved: raised when an offer URL or an endpoint template is
 * compiled, so a literal `{sub1}` or `${SUBID}` is never sent at run time. The message starts with the
 * code, quotes the offending token and the field, and ends with the hint:
 * `UNKNOWN_MACRO: {clickid} in "url" is not a Ricochet macro (did you mean {click_id}?)`.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    readonly code: TemplateErrorCode,
    /** The template field being saved (`url`, `body`, `headers.X-Token` …). */
    readonly param: string,
    /** What is wrong, without the code prefix or the hint. */
    readonly detail: string,
    /** How to fix it, when there is something concrete to say. */
    readonly hint?: string,
    /** The offending text as written in the template, when there is one. */
    readonly token?: string,
    /** The token's offset in the template. */
    readonly index?: number,
  ) {
    super(`${code}: ${detail}${hint ? ` (${hint})` : ''}`);
  }
}

/** True for a TemplateError, also across module copies (checks the stable `name`). */
export function isTemplateError(err: unknown): err is TemplateError {
  return err instanceof TemplateError || (err instanceof Error && err.name === 'TemplateError');
}
