import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { API_TAGS } from '../../http/api-tags';
import { ApiErrorResponse } from '../../http/error-response';

import type { PageResponse } from '../common/page.dto';
import { BulkReplayService } from './bulk-replay.service';
import { DeliveriesAdminService } from './deliveries-admin.service';
import { BulkReplayBody, BulkReplayResponse, ReplayProgressResponse } from './dto/bulk-replay.dto';
import { DeliveryListQuery } from './dto/delivery-list-query.dto';
import { DeliveryReplayResponse } from './dto/delivery-replay-response.dto';
import { DeliveryDetailResponse, DeliveryPage, DeliveryResponse } from './dto/delivery-response.dto';

const NOT_FOUND = { code: 'NOT_FOUND', message: 'delivery "665f1c2e8b3d4a0012345678" not found' };

@AdminController(API_TAGS.failures)
@Controller('api/deliveries')
export class DeliveriesAdminController {
  constructor(
    private readonly service: DeliveriesAdminService,
    private readonly bulk: BulkReplayService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List deliveries, newest first, with filters',
    description:
      'Every filter is optional and starts empty. `state=dead` lists the forwards Ricochet gave up on ' +
      '(replay one with POST /api/deliveries/{id}/replay, or all matching with POST /api/deliveries/replay).',
  })
  @ApiOkResponse({ type: DeliveryPage })
  @ApiErrorResponse(400, 'A filter is invalid', {
    message: 'endpointId must be a mongodb id',
    param: 'endpointId',
    details: ['endpointId must be a mongodb id'],
  })
  list(@Query() query: DeliveryListQuery): Promise<PageResponse<DeliveryResponse>> {
    return this.service.list(query);
  }

  @Post('replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Replay every delivery matching the filter, in the background (dryRun: only count)',
    description:
      'Answers 202 in both cases; with dryRun the body has only `matched` and nothing is replayed. ' +
      'Follow a real run with GET /api/deliveries/replay/{replayId}.',
  })
  @ApiBody({
    type: BulkReplayBody,
    examples: {
      countDead: {
        summary: 'Count every dead delivery (nothing is replayed)',
        value: { state: 'dead', dryRun: true },
      },
      replayDead: { summary: 'Replay every dead delivery', value: { state: 'dead' } },
    },
  })
  @ApiAcceptedResponse({ type: BulkReplayResponse })
  @ApiErrorResponse(400, 'A filter is invalid')
  bulkReplay(@Body() body: BulkReplayBody): Promise<BulkReplayResponse> {
    return this.bulk.start(body);
  }

  @Get('replay/:replayId')
  @ApiOperation({ summary: 'Progress of a bulk replay' })
  @ApiOkResponse({ type: ReplayProgressResponse })
  @ApiErrorResponse(404, 'Unknown or expired replay id', {
    code: 'NOT_FOUND',
    message: 'bulk replay "2b1f0c6e-8d0e-4b7e-9d43-5f0f7a1c9e21" not found',
  })
  replayProgress(@Param('replayId') replayId: string): Promise<ReplayProgressResponse> {
    return this.bulk.progressOf(replayId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One delivery with its attempt log' })
  @ApiOkResponse({ type: DeliveryDetailResponse })
  @ApiErrorResponse(404, 'Unknown (or malformed) delivery id', NOT_FOUND)
  get(@Param('id') id: string): Promise<DeliveryDetailResponse> {
    return this.service.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send one delivery again now (manual attempt), whatever its state' })
  @ApiAcceptedResponse({ type: DeliveryReplayResponse })
  @ApiErrorResponse(404, 'Unknown (or malformed) delivery id', NOT_FOUND)
  @ApiErrorResponse(409, "The delivery's endpoint is disabled (or was removed): enable it first", {
    code: 'ENDPOINT_DISABLED',
    message:
      'endpoint "665f1c2e8b3d4a00aaaa0001" of source "665f1c2e8b3d4a0087654321" is disabled (HTTP 410 Gone); enable it first (POST /api/sources/665f1c2e8b3d4a0087654321/endpoints/665f1c2e8b3d4a00aaaa0001/enable)',
  })
  replay(@Param('id') id: string): Promise<DeliveryReplayResponse> {
    return this.service.replay(id);
  }
}
