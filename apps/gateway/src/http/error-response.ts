import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { UNAUTHORIZED_BODY } from './api-key.guard';

/** The one error shape every 4xx/5xx of the gateway has. */
export class ErrorResponse {
  @ApiProperty({ example: 400, description: 'The HTTP status, repeated in the body' })
  statusCode!: number;

  @ApiProperty({ example: 'INVALID_PAYOUT', description: 'Stable machine code' })
  code!: string;

  @ApiProperty({
    example: 'INVALID_PAYOUT: "payout" must be a decimal number like 12.50, got "12,5"',
    description: 'What went wrong, for people',
  })
  message!: string;

  @ApiPropertyOptional({ example: 'payout', description: 'The parameter at fault, when there is one' })
  param?: string;

  @ApiPropertyOptional({ example: 'Use {ext_click_id}', description: 'How to fix it, when known' })
  hint?: string;

  @ApiPropertyOptional({
    example: '0b7c3f9e-4f3a-4d5e-9a51-3f1e2d4c5b6a',
    description: 'For 500s: the id of the log line that has the details',
  })
  errorId?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['limit must not be greater than 200'],
    description: 'For validation errors: every field at fault',
  })
  details?: string[];
}

/**
 * A typical body per status, shown as the example of every error response in `/docs` unless the
 * operation gives its own: the schema's property examples alone would show a 400 body under a 401.
 */
export const ERROR_EXAMPLES: Readonly<Record<number, ErrorResponse>> = {
  400: {
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    message: 'limit must not be greater than 200',
    param: 'limit',
    details: ['limit must not be greater than 200'],
  },
  401: { ...UNAUTHORIZED_BODY },
  403: { statusCode: 403, code: 'FORBIDDEN', message: 'this request is not allowed' },
  404: {
    statusCode: 404,
    code: 'NOT_FOUND',
    message: 'no record has id "665f1c2e8b3d4a0012345678"',
    param: 'id',
  },
  405: {
    statusCode: 405,
    code: 'METHOD_NOT_ALLOWED',
    message: 'HEAD is not allowed here: this route stores what it receives; use GET, POST',
  },
  409: {
    statusCode: 409,
    code: 'CONFLICT',
    message: 'the record changed or already exists',
  },
  413: { statusCode: 413, code: 'BODY_TOO_LARGE', message: 'the body is larger than 65536 bytes' },
  414: {
    statusCode: 414,
    code: 'URI_TOO_LONG',
    message: 'the URL is longer than 8192 bytes; send large postbacks as a POST body',
  },
  415: {
    statusCode: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'a postback body must be application/x-www-form-urlencoded or application/json, got "text/xml"',
  },
  429: { statusCode: 429, code: 'TOO_MANY_REQUESTS', message: 'too many requests; retry later' },
  500: {
    statusCode: 500,
    code: 'INTERNAL_ERROR',
    message: 'internal error; quote errorId 0b7c3f9e-4f3a-4d5e-9a51-3f1e2d4c5b6a',
    errorId: '0b7c3f9e-4f3a-4d5e-9a51-3f1e2d4c5b6a',
  },
  503: {
    statusCode: 503,
    code: 'SERVICE_UNAVAILABLE',
    message: 'the store did not answer in time; retry after Retry-After seconds',
  },
};

/** The example body of an error with `status`: the typical one, with `example`'s fields over it. */
export function errorExample(status: number, example: Partial<ErrorResponse> = {}): ErrorResponse {
  const base = ERROR_EXAMPLES[status] ?? {
    statusCode: status,
    code: status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST',
    message: 'request failed',
  };
  return { ...base, ...example, statusCode: status };
}

/**
 * Documents an error answer in the {@link ErrorResponse} shape with an example body of that status
 * (`example` overrides the typical fields, e.g. a specific `code`).
 */
export function ApiErrorResponse(
  status: number,
  description: string,
  example: Partial<ErrorResponse> = {},
): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, type: ErrorResponse, example: errorExample(status, example) });
}
