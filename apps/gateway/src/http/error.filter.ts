import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import {
  isPostbackAuthError,
  isPostbackParamError,
  postbackParamErrorStatus,
} from '@ricochet/domain/postback';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { ErrorResponse } from './error-response';

/**
 * Named domain and persistence errors → HTTP status. Libraries never throw HTTP exceptions;
 * this table is the one place that decides what a domain failure means to an HTTP client.
 */
const DOMAIN_ERROR_STATUS: Readonly<Record<string, number>> = {
  TemplateError: 400,
  JsonInputError: 400,
  InvalidPatternError: 400,
  MoneyError: 400,
  PostbackConfigError: 400,
  InvalidCursorError: 400,
  InvalidIdError: 400,
  ForbiddenDestinationError: 400,
  DuplicateKeyError: 409,
  BatchTooLargeError: 413,
};

const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'BODY_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  param?: unknown;
  hint?: unknown;
  message?: unknown;
  statusCode?: unknown;
}

/** Maps every error to {@link ErrorResponse}; a 500 carries an `errorId` that is also in the log line. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException && isStructuredBody(exception.getResponse())) {
      // Bodies that are already a contract of their own (terminus' health report) pass through unchanged.
      void reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    const body = this.toResponse(exception);
    const retryAfter = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') void reply.header('Retry-After', String(retryAfter));
    void reply.status(body.statusCode).send(body);
  }

  private toResponse(exception: unknown): ErrorResponse {
    if (exception instanceof HttpException) return fromHttpException(exception);
    const error = (exception ?? {}) as ErrorLike;
    const name = typeof error.name === 'string' ? error.name : '';
    const message = typeof error.message === 'string' ? error.message : 'request failed';
    const domainStatus = domainStatusOf(exception, name);
    if (domainStatus !== undefined) {
      return {
        statusCode: domainStatus,
        code:
          typeof error.code === 'string' ? error.code : (codePrefix(message) ?? STATUS_CODES[domainStatus]),
        message,
        ...(typeof error.param === 'string' ? { param: error.param } : {}),
        ...(typeof error.hint === 'string' ? { hint: error.hint } : {}),
      };
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return { statusCode: error.statusCode, code: STATUS_CODES[error.statusCode] ?? 'BAD_REQUEST', message };
    }
    const errorId = randomUUID();
    this.logger.error({
      errorId,
      err: exception instanceof Error ? { name, message, stack: exception.stack } : exception,
    });
    return {
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: `internal error; quote errorId ${errorId}`,
      errorId,
    };
  }
}

/**
 * The intake's two named errors carry their status in their code: a parameter problem is 400, except
 * TOO_MANY_PARAMETERS (413, a size limit like an oversize body) and UNSUPPORTED_MEDIA_TYPE
 * (415); an authentication problem is 401 (token) or 403 (IP, signature). Other domain errors by name.
 */
function domainStatusOf(exception: unknown, name: string): number | undefined {
  if (isPostbackParamError(exception)) return postbackParamErrorStatus(exception.code);
  if (isPostbackAuthError(exception)) return exception.code === 'INVALID_TOKEN' ? 401 : 403;
  return DOMAIN_ERROR_STATUS[name];
}

/** Named errors whose message starts with their machine code (`INVALID_CURSOR: …`) carry no `code` field. */
function codePrefix(message: string): string | undefined {
  return /^([A-Z][A-Z0-9_]{2,}):/.exec(message)?.[1];
}

function isStructuredBody(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && !('message' in payload) && !('code' in payload);
}

function fromHttpException(exception: HttpException): ErrorResponse {
  const statusCode = exception.getStatus();
  const payload = exception.getResponse();
  const fallbackCode = STATUS_CODES[statusCode] ?? (statusCode >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
  if (typeof payload === 'string') {
    // Nest re-wraps fastify's body-parser errors as HttpException(message, status), dropping their code,
    // so the JSON ones are recognised by fastify's fixed message.
    const code = /^Body (is not valid JSON|cannot be empty)/.test(payload) ? 'INVALID_JSON' : fallbackCode;
    return { statusCode, code, message: payload };
  }
  const body = payload as Partial<ErrorResponse> & { message?: unknown; details?: unknown };
  // Nest's own exceptions (ValidationPipe, 404 for unknown routes) put a string or a list in `message`;
  // the gateway's validation errors carry their list in `details`.
  const listed = Array.isArray(body.message) ? body.message.map(String) : undefined;
  const details = listed ?? (Array.isArray(body.details) ? body.details.map(String) : undefined);
  return {
    statusCode,
    code: typeof body.code === 'string' ? body.code : listed ? 'VALIDATION_FAILED' : fallbackCode,
    message: listed ? listed.join('; ') : typeof body.message === 'string' ? body.message : exception.message,
    ...(typeof body.param === 'string' ? { param: body.param } : {}),
    ...(typeof body.hint === 'string' ? { hint: body.hint } : {}),
    ...(details ? { details } : {}),
  };
}
