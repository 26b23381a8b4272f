import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { ForwardMethod } from '@ricochet/domain/model';
import type { FastifyRequest } from 'fastify';
import type { RequestWithRawBody } from '../http/body-parsers';
import { ErrorResponse } from '../http/error-response';
import { type IntakeRequest, type PostbackAccepted, PostbackIntakeService } from './postback-intake.service';

class PostbackAcceptedResponse implements PostbackAccepted {
  @ApiProperty({ enum: ['accepted'], example: 'accepted' })
  status!: 'accepted';

  @ApiProperty({ example: '665f1c2e8b3d4a00abcdef01' })
  postbackId!: string;
}

const ROUTES = ['', ':token'];

/**
 * Server-to-server conversion postbacks from advertisers. Parameters are arbitrary by
 * design (every network names them differently), so they are read raw and parsed by the domain's lean
 * parser, not by a DTO.
 */
@ApiTags('postbacks')
@Controller('postback')
@ApiParam({ name: 'token', required: false, description: "The advertiser's postbackToken (or send token=…)" })
@ApiOkResponse({ type: PostbackAcceptedResponse, description: 'Stored durably; attribution is queued' })
@ApiResponse({ status: 400, description: 'A parameter is missing or invalid', type: ErrorResponse })
@ApiResponse({ status: 401, description: 'Missing or unknown token', type: ErrorResponse })
@ApiResponse({
  status: 403,
  description: 'IP_NOT_ALLOWED, INVALID_SIGNATURE, INVALID_TIMESTAMP or SIGNATURE_EXPIRED',
  type: ErrorResponse,
})
@ApiResponse({ status: 405, description: 'HEAD: these routes store what they receive', type: ErrorResponse })
@ApiResponse({ status: 503, description: 'Not stored; retry after Retry-After seconds', type: ErrorResponse })
export class PostbackIntakeController {
  constructor(private readonly intake: PostbackIntakeService) {}

  @Get(ROUTES)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive a postback (query string)',
    description: 'e.g. /postback/<token>?click_id={clickid}&payout={payout}&txid={txid}&status={status}',
  })
  receiveGet(@Req() request: FastifyRequest, @Param('token') token?: string): Promise<PostbackAccepted> {
    return this.intake.receive(toIntakeRequest(request, 'GET', token));
  }

  @Post(ROUTES)
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({
    summary: 'Receive a postback (form or JSON body, merged with the query string)',
    description:
      'JSON bodies must be flat: {"click_id":"…","payout":"12.50","status":"approved"}; a key sent twice ' +
      'counts as a repeated parameter. Signed advertisers add X-Timestamp and X-Signature (docs/security.md).',
  })
  receivePost(@Req() request: FastifyRequest, @Param('token') token?: string): Promise<PostbackAccepted> {
    return this.intake.receive(toIntakeRequest(request, 'POST', token));
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
