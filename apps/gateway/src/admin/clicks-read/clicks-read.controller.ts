import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { API_TAGS } from '../../http/api-tags';
import { ApiErrorResponse } from '../../http/error-response';

const NOT_FOUND = { code: 'NOT_FOUND', message: 'click "c7Hq2LmN0pRs4TuV6wXy8z" not found' };
import { ClicksReadService } from './clicks-read.service';
import { ClickDetailResponse } from './dto/click-detail-response.dto';
import { ClickTraceResponse } from './dto/click-trace-response.dto';

/** Reads on `/api/clicks`; registering clicks (`POST /api/clicks`) is the clicks feature's controller. */
@AdminController(API_TAGS.live)
@Controller('api/clicks')
export class ClicksReadController {
  constructor(private readonly service: ClicksReadService) {}

  @Get(':clickId')
  @ApiOperation({ summary: 'One click' })
  @ApiOkResponse({ type: ClickDetailResponse })
  @ApiErrorResponse(404, 'Unknown click id', NOT_FOUND)
  get(@Param('clickId') clickId: string): Promise<ClickDetailResponse> {
    return this.service.get(clickId);
  }

  @Get(':clickId/trace')
  @ApiOperation({
    summary: 'Timeline of a click: postbacks, conversions with status changes, deliveries, attempts',
  })
  @ApiOkResponse({ type: ClickTraceResponse })
  @ApiErrorResponse(404, 'Nothing recorded for this click id', NOT_FOUND)
  trace(@Param('clickId') clickId: string): Promise<ClickTraceResponse> {
    return this.service.trace(clickId);
  }
}
