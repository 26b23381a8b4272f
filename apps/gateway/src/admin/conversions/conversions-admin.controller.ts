import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { ErrorResponse } from '../../http/error-response';
import type { PageResponse } from '../common/page.dto';
import { ConversionsAdminService } from './conversions-admin.service';
import { ConversionListQuery } from './dto/conversion-list-query.dto';
import { ConversionPage, ConversionResponse } from './dto/conversion-response.dto';
import { ConversionStatusBody } from './dto/conversion-status.dto';

@AdminController('conversions')
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
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown (or malformed) conversion id' })
  get(@Param('id') id: string): Promise<ConversionResponse> {
    return this.service.get(id);
  }

  @Post(':id/status')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve or reject a conversion by hand; deliveries follow the sources’ endpoint rules',
  })
  @ApiOkResponse({ type: ConversionResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown (or malformed) conversion id' })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'INVALID_TRANSITION (e.g. rejected → approved) or STATUS_CHANGED (a concurrent change)',
  })
  changeStatus(@Param('id') id: string, @Body() body: ConversionStatusBody): Promise<ConversionResponse> {
    return this.service.changeStatus(id, body);
  }
}
