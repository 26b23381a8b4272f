import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { ErrorResponse } from '../../http/error-response';
import type { PageResponse } from '../common/page.dto';
import { BulkReplayService } from './bulk-replay.service';
import { DeliveriesAdminService } from './deliveries-admin.service';
import { BulkReplayBody, BulkReplayResponse, ReplayProgressResponse } from './dto/bulk-replay.dto';
import { DeliveryListQuery } from './dto/delivery-list-query.dto';
import { DeliveryReplayResponse } from './dto/delivery-replay-response.dto';
import { DeliveryDetailResponse, DeliveryPage, DeliveryResponse } from './dto/delivery-response.dto';

@AdminController('deliveries')
@Controller('api/deliveries')
export class DeliveriesAdminController {
  constructor(
    private readonly service: DeliveriesAdminService,
    private readonly bulk: BulkReplayService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List deliveries, newest first, with filters' })
  @ApiOkResponse({ type: DeliveryPage })
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
  @ApiAcceptedResponse({ type: BulkReplayResponse })
  bulkReplay(@Body() body: BulkReplayBody): Promise<BulkReplayResponse> {
    return this.bulk.start(body);
  }

  @Get('replay/:replayId')
  @ApiOperation({ summary: 'Progress of a bulk replay' })
  @ApiOkResponse({ type: ReplayProgressResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown or expired replay id' })
  replayProgress(@Param('replayId') replayId: string): Promise<ReplayProgressResponse> {
    return this.bulk.progressOf(replayId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One delivery with its attempt log' })
  @ApiOkResponse({ type: DeliveryDetailResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown (or malformed) delivery id' })
  get(@Param('id') id: string): Promise<DeliveryDetailResponse> {
    return this.service.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send one delivery again now (manual attempt), whatever its state' })
  @ApiAcceptedResponse({ type: DeliveryReplayResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown (or malformed) delivery id' })
  replay(@Param('id') id: string): Promise<DeliveryReplayResponse> {
    return this.service.replay(id);
  }
}
