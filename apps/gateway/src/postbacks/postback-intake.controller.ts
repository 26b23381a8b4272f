import { applyDecorators, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { ForwardMethod } from '@ricochet/domain/model';
import type { FastifyRequest } from 'fastify';
import type { RequestWithRawBody } from '../http/body-parsers';
import { API_TAGS } from '../http/api-tags';
import { ApiErrorResponse } from '../http/error-response';
import { invalidToken, ipNotAllowed } from './postback-intake.errors';
import { type IntakeRequest, type PostbackAccepted, PostbackIntakeService } from './postback-intake.service';

class PostbackAcceptedResponse implements PostbackAccepted {
  @ApiProperty({ enum: ['accepted'], example: 'accepted', description: 'Always `accepted`' })
  status!: 'accepted';

  @ApiProperty({
    example: '665f1c2e8b3d4a00abcdef01',
    description: 'Id of the stored postback (GET /api/postbacks/{id})',
  })
  postbackId!: string;
}

const INTAKE_SUMMARY_GET = 'Receive a postback (query string)';
const INTAKE_SUMMARY_POST = 'Receive a postback (form or JSON body, merged with the query string)';
const POST_DESCRIPTION =
  'JSON bodies must be flat: {"click_id":"…","payout":"12.50","status":"approved"}; numbers are read as ' +
  'written (`0.0000001` stays `0.0000001`), and a key sent twice counts as a repeated parameter. Signed ' +
  'advertisers add X-Timestamp and X-Signature (docs/security.md).';
const TOKEN_IN_QUERY =
  'Use this form when the advertiser cannot put the token in the path: the token then travels as the ' +
  '`token` parameter (query string or body).';

/** The answers every intake operation documents, with example bodies of their own status. */
function IntakeResponses(): MethodDecorator {
  return applyDecorators(
    ApiOkResponse({ type: PostbackAcceptedResponse, description: 'Stored durably; attribution is queued' }),
    ApiErrorResponse(400, 'A parameter is missing or invalid', {
      code: 'INVALID_PAYOUT',
      message: 'INVALID_PAYOUT: "payout" must be a decimal number like 12.50, got "12,5"',
      param: 'payout',
    }),
    ApiErrorResponse(401, 'Missing or unknown token', {
      code: 'INVALID_TOKEN',
      message: invalidToken().message,
    }),
    ApiErrorResponse(403, 'IP_NOT_ALLOWED, INVALID_SIGNATURE, INVALID_TIMESTAMP or SIGNATURE_EXPIRED', {
      code: 'IP_NOT_ALLOWED',
      message: ipNotAllowed('198.51.100.7').message,
    }),
    ApiErrorResponse(405, 'HEAD: these routes store what they receive'),
    ApiErrorResponse(413, 'Body over 64 KiB or more than 100 parameters', {
      code: 'BODY_TOO_LARGE',
      message: 'the body is larger than 65536 bytes',
    }),
    ApiErrorResponse(503, 'Not stored; retry after Retry-After seconds'),
  );
}

/** The `token` path segment: only `/postback/{token}` has one, and there it is required. */
const TOKEN_PARAM = ApiParam({
  name: 'token',
  type: String,
  required: true,
  description: "The advertiser's postbackToken (from GET /api/advertisers)",
});

/** `/postback` takes the token as a parameter instead. */
const TOKEN_QUERY = ApiQuery({
  name: 'token',
  type: String,
  required: false,
  description: "The advertiser's postbackToken, when it is not in the path (it may also be in the body)",
});

/**
 * Server-to-server conversion postbacks from advertisers. Parameters are arbitrary by
 * design (every network names them differently), so they are read raw and parsed by the domain's lean
 * parser, not by a DTO. `/postback/{token}` and `/postback` are separate operations so each documents
 * only the parameters its path has.
 */
@ApiTags(API_TAGS.intake)
@Controller('postback')
export class PostbackIntakeController {
  constructor(private readonly intake: PostbackIntakeService) {}

  @Get(':token')
  @HttpCode(200)
  @ApiOperation({
    summary: INTAKE_SUMMARY_GET,
    description: 'e.g. /postback/<token>?click_id={clickid}&payout={payout}&txid={txid}&status={status}',
  })
  @TOKEN_PARAM
  @IntakeResponses()
  receiveGet(@Req() request: FastifyRequest, @Param('token') token: string): Promise<PostbackAccepted> {
    return this.intake.receive(toIntakeRequest(request, 'GET', token));
  }

  @Get()
  @HttpCode(200)
  @ApiOperation({
    summary: `${INTAKE_SUMMARY_GET}, token as a parameter`,
    description: `e.g. /postback?token=<token>&click_id={clickid}&payout={payout}. ${TOKEN_IN_QUERY}`,
  })
  @TOKEN_QUERY
  @IntakeResponses()
  receiveGetWithoutPathToken(@Req() request: FastifyRequest): Promise<PostbackAccepted> {
    return this.intake.receive(toIntakeRequest(request, 'GET'));
  }

  @Post(':token')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({ summary: INTAKE_SUMMARY_POST, description: POST_DESCRIPTION })
  @TOKEN_PARAM
  @IntakeResponses()
  @ApiErrorResponse(415, 'A body that is neither a form nor JSON')
  receivePost(@Req() request: FastifyRequest, @Param('token') token: string): Promise<PostbackAccepted> {
    return this.intake.receive(toIntakeRequest(request, 'POST', token));
  }

  @Post()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({
    summary: `${INTAKE_SUMMARY_POST}, token as a parameter`,
    description: `${POST_DESCRIPTION} ${TOKEN_IN_QUERY}`,
  })
  @TOKEN_QUERY
  @IntakeResponses()
  @ApiErrorResponse(415, 'A body that is neither a form nor JSON')
  receivePostWithoutPathToken(@Req() request: FastifyRequest): Promise<PostbackAccepted> {
    return this.intake.receive(toIntakeRequest(request, 'POST'));
  }
}

function toIntakeRequest(request: FastifyRequest, method: ForwardMethod, token?: string): IntakeRequest {
  const url = request.raw.url ?? '';
  const question = url.indexOf('?');
  const rawBody = (request as RequestWithRawBody).rawBody;
  return {
    method,
    ...(token ? { pathToken: token } : {}),
    ip: request.ip,
    query: request.query,
    body: request.body,
    contentType: request.headers['content-type'],
    path: question === -1 ? url : url.slice(0, question),
    rawQuery: question === -1 ? '' : url.slice(question + 1),
    ...(Buffer.isBuffer(rawBody) ? { rawBody } : {}),
    ...headerValue(request, 'x-signature', 'signature'),
    ...headerValue(request, 'x-timestamp', 'timestamp'),
  };
}

function headerValue<K extends 'signature' | 'timestamp'>(
  request: FastifyRequest,
  header: string,
  key: K,
): Partial<Record<K, string>> {
  const value = request.headers[header];
  return typeof value === 'string' ? ({ [key]: value } as Partial<Record<K, string>>) : {};
}
