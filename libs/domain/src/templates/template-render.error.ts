/**
 * An endpoint whose request cannot be built at send time: a stored template or `successBodyMatch` that
 * no longer compiles, a header name that is not a token, a rendered value outside what HTTP can carry.
 * Retrying cannot fix it, so the delivery goes dead at once with error class `template_error`; the
 * admin fixes the endpoint and replays. `field` is the endpoint field at fault (`headers.X-Uni`).
 */
export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
  readonly errorClass = 'template_error';
  readonly permanent = true;

  constructor(
    readonly field: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`TEMPLATE_ERROR: "${field}": ${detail}`, options);
  }
}

/** True for a TemplateRenderError, also across module copies (checks the stable `name`). */
export function isTemplateRenderError(err: unknown): err is TemplateRenderError {
  return err instanceof TemplateRenderError || (err instanceof Error && err.name === 'TemplateRenderError');
}
