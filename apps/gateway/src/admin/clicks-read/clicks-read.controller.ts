import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { ErrorResponse } from '../../http/error-response';
import { ClicksReadService } from './clicks-read.service';
import { ClickDetailResponse } from './dto/click-detail-response.dto';
import { ClickTraceResponse } from './dto/click-trace-response.dto';

/** Reads on `/api/clicks`; registering clicks (`POST /api/clicks`) is the clicks feature's controller. */
@AdminController('clicks')
@Controller('api/clicks')
export class ClicksReadController {
  constructor(private readonly service: ClicksReadService) {}

  @Get(':clickId')
  @ApiOperation({ summary: 'One click' })
  @ApiOkResponse({ type: ClickDetailResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown click id' })
  get(@Param('clickId') clickId: string): Promise<ClickDetailResponse> {
    return this.service.get(clickId);
  }

  @Get(':clickId/trace')
  @ApiOperation({
    summary: 'Timeline of a click: postbacks, conversions with status changes, deliveries, attempts',
  })
  @ApiOkResponse({ type: ClickTraceResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Nothing recorded for this click id' })
  trace(@Param('clickId') clickId: string): Promise<ClickTraceResponse> {
    return this.service.trace(clickId);
  }
}
