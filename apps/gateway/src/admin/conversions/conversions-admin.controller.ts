import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { API_TAGS } from '../../http/api-tags';
import { ApiErrorResponse } from '../../http/error-response';

const NOT_FOUND = { code: 'NOT_FOUND', message: 'conversion "665f1c2e8b3d4a001234567a" not found' };
import type { PageResponse } from '../common/page.dto';
import { ConversionsAdminService } from './conversions-admin.service';
import { ConversionListQuery } from './dto/conversion-list-query.dto';
import { ConversionPage, ConversionResponse } from './dto/conversion-response.dto';
import { ConversionStatusBody } from './dto/conversion-status.dto';

@AdminController(API_TAGS.live)
@Controller('api/conversions')
export class ConversionsAdminController {
  constructor(private readonly service: ConversionsAdminService) {}

  @Get()
  @ApiOperation({ summary: 'List conversions, newest first, with filters' })
  @ApiOkResponse({ type: ConversionPage })
  list(@Query() query: ConversionListQuery): Promise<PageResponse<ConversionResponse>> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One conversion with its status history' })
  @ApiOkResponse({ type: ConversionResponse })
  @ApiErrorResponse(404, 'Unknown (or malformed) conversion id', NOT_FOUND)
  get(@Param('id') id: string): Promise<ConversionResponse> {
    return this.service.get(id);
  }

  @Post(':id/status')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve or reject a conversion by hand; deliveries follow the sources’ endpoint rules',
  })
  @ApiOkResponse({ type: ConversionResponse })
  @ApiErrorResponse(404, 'Unknown (or malformed) conversion id', NOT_FOUND)
  @ApiErrorResponse(
    409,
    'INVALID_TRANSITION (e.g. rejected → approved) or STATUS_CHANGED (a concurrent change)',
    {
      code: 'INVALID_TRANSITION',
      message: 'conversion status cannot change from "rejected" to "approved"',
      param: 'status',
    },
  )
  changeStatus(@Param('id') id: string, @Body() body: ConversionStatusBody): Promise<ConversionResponse> {
    return this.service.changeStatus(id, body);
  }
}
