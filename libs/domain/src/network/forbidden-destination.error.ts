/** Why a destination was refused; stable codes the gateway maps to 400 and the worker logs. */
export const FORBIDDEN_DESTINATION_CODES = [
  'SSRF_INVALID_URL', // not an absolute URL, or no host
  'SSRF_SCHEME', // anything but http: / https:
  'SSRF_HOSTNAME', // a name that always means "this machine" or "the cloud metadata service"
  'SSRF_ADDRESS', // a literal or resolved IP in a forbidden range
] as const;
export type ForbiddenDestinationCode = (typeof FORBIDDEN_DESTINATION_CODES)[number];

/**
 * A forward destination the SSRF guard refuses. Permanent: retrying cannot make a private address
 * public, so the worker classifies it as `ssrf_blocked` and marks the delivery dead. Thrown at save
 * time by {@link checkDestinationUrl} and at dial time by the guarded DNS lookup.
 *
 * It carries `code` so it also fits Node's `ErrnoException` shape when handed to a `lookup` callback.
 */
export class ForbiddenDestinationError extends Error {
  override readonly name = 'ForbiddenDestinationError';
  /** Attempt-log error class; fixed so logs and metrics group every SSRF refusal together. */
  readonly errorClass = 'ssrf_blocked';
  readonly permanent = true;

  constructor(
    readonly code: ForbiddenDestinationCode,
    message: string,
    /** The refused IP when the refusal is about an address (never a hostname's secrets). */
    readonly address?: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** True for a ForbiddenDestinationError, also across module copies (checks the stable `name`). */
export function isForbiddenDestinationError(err: unknown): err is ForbiddenDestinationError {
  return (
    err instanceof ForbiddenDestinationError ||
    (err instanceof Error && err.name === 'ForbiddenDestinationError')
  );
}
