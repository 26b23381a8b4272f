import { BadRequestException } from '@nestjs/common';

/** Domain errors that already carry a code, the field path and a hint, and that the ErrorFilter maps. */
const SELF_DESCRIBING_ERRORS = new Set(['TemplateError', 'MoneyError', 'PostbackConfigError']);

/**
 * A configuration value the admin API refuses (bad CIDR, retry schedule, regex, endpoint header …):
 * 400 in the ErrorResponse shape with a stable `code`, the field path in `param`, and a `hint` when known.
 */
export function configInputError(
  code: string,
  param: string,
  detail: string,
  hint?: string,
): BadRequestException {
  return new BadRequestException({
    code,
    message: `${code}: ${detail}`,
    param,
    ...(hint !== undefined ? { hint } : {}),
  });
}

/**
 * Runs a domain parser on admin input. Its named errors that do not say which field they concern
 * (InvalidCidrError, InvalidDurationError, ForbiddenDestinationError …) become a 400 naming `param`,
 * coded by the error's `code` or message prefix (`INVALID_CIDR: …`), else `fallbackCode`.
 */
export function parseInput<T>(param: string, fallbackCode: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof Error) || SELF_DESCRIBING_ERRORS.has(error.name)) throw error;
    const named = error as Error & { code?: unknown; hint?: unknown };
    const prefixed = /^([A-Z_]+): (.*)$/s.exec(error.message);
    const code = typeof named.code === 'string' ? named.code : (prefixed?.[1] ?? fallbackCode);
    const detail = prefixed ? prefixed[2] : error.message;
    throw configInputError(
      code,
      param,
      `"${param}": ${detail}`,
      typeof named.hint === 'string' ? named.hint : undefined,
    );
  }
}
