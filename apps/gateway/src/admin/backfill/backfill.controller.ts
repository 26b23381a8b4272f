import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminController } from '../../http/admin-route.decorator';
import { API_TAGS } from '../../http/api-tags';
import { ApiErrorResponse } from '../../http/error-response';
import { BackfillService } from './backfill.service';
import { BackfillBody, BackfillProgressResponse, BackfillResponse } from './dto/backfill.dto';

const SOURCE = '665f1c2e8b3d4a0087654321';
const ENDPOINT = '665f1c2e8b3d4a00aaaa0001';

@AdminController(API_TAGS.tools)
@Controller('api/backfills')
export class BackfillController {
  constructor(private readonly backfills: BackfillService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Forward past conversions of a source to one endpoint (a new or fixed one); dryRun: only count',
    description:
      'Finds the conversions of the source created in [from, to) whose current status the endpoint ' +
      'fires for, as the live pipeline would judge it, and creates the delivery each would have got, ' +
      'queued like any delivery (rate limit, circuit breaker and retries apply). A conversion that ' +
      'already has it is skipped, so running the same backfill twice creates nothing new. A real run ' +
      'answers 202 and works in the background: follow it with GET /api/backfills/{backfillId}. ' +
      'With dryRun the answer is 200 with only `matched`, and nothing is created.',
  })
  @ApiBody({
    type: BackfillBody,
    examples: {
      count: {
        summary: 'Count what November would forward (nothing is sent)',
        value: {
          sourceId: SOURCE,
          endpointId: ENDPOINT,
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
          dryRun: true,
        },
      },
      run: {
        summary: "Forward November's approved conversions",
        value: {
          sourceId: SOURCE,
          endpointId: ENDPOINT,
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
          statuses: ['approved'],
        },
      },
    },
  })
  @ApiOkResponse({ type: BackfillResponse, description: 'dryRun: the count only' })
  @ApiAcceptedResponse({ type: BackfillResponse, description: 'Started: the count and the backfill id' })
  @ApiErrorResponse(400, 'A bad range, status or id', {
    code: 'RANGE_TOO_LONG',
    message: 'RANGE_TOO_LONG: the range spans 400 days; one backfill covers at most 366 days',
    param: 'to',
    hint: 'split it into several backfills of consecutive ranges',
  })
  @ApiErrorResponse(404, 'SOURCE_NOT_FOUND, ENDPOINT_NOT_FOUND', {
    code: 'ENDPOINT_NOT_FOUND',
    message: `source "${SOURCE}" has no endpoint "${ENDPOINT}" (GET /api/sources/${SOURCE} lists them)`,
    param: 'endpointId',
  })
  @ApiErrorResponse(409, 'The endpoint is disabled: enable it first (a dry run still counts)', {
    code: 'ENDPOINT_DISABLED',
    message: `endpoint "${ENDPOINT}" of source "${SOURCE}" is disabled (HTTP 410 Gone): nothing could be sent; enable it first (POST /api/sources/${SOURCE}/endpoints/${ENDPOINT}/enable)`,
    param: 'endpointId',
  })
  async start(
    @Body() body: BackfillBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BackfillResponse> {
    const answer = await this.backfills.start(body);
    if (answer.backfillId === undefined) void reply.status(200);
    return answer;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Progress of a backfill' })
  @ApiOkResponse({ type: BackfillProgressResponse })
  @ApiErrorResponse(404, 'Unknown or expired backfill id', {
    code: 'NOT_FOUND',
    message:
      'backfill "7c9e6679-7425-40de-944b-e07fc1f90ae7" not found (unknown, or finished more than 7 days ago)',
    param: 'id',
  })
  progress(@Param('id') id: string): Promise<BackfillProgressResponse> {
    return this.backfills.progressOf(id);
  }
}
