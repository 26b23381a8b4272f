import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { API_TAGS } from '../../http/api-tags';
import { ApiErrorResponse } from '../../http/error-response';
import type { PageResponse } from '../common/page.dto';
import { PaginationQuery } from '../common/pagination.dto';
import { PayoutRuleBody, PayoutRuleResponse } from '../common/payout-rule.dto';
import { CreateSourceBody, SourcePage, SourceResponse, UpdateSourceBody } from './dto/source.dto';
import { SourcesService } from './sources.service';

@AdminController(API_TAGS.setup)
@ApiExtraModels(PayoutRuleBody, PayoutRuleResponse)
@ApiErrorResponse(
  400,
  'Invalid input, e.g. a template error (UNKNOWN_MACRO, FOREIGN_MACRO_SYNTAX …) with `param` and `hint`',
  {
    code: 'FOREIGN_MACRO_SYNTAX',
    message:
      'FOREIGN_MACRO_SYNTAX: "[clickid]" in "endpoints[0].url" is another tracker\'s placeholder syntax and ' +
      'would be sent literally (use {ext_click_id})',
    param: 'endpoints[0].url',
    hint: 'use {ext_click_id}',
  },
)
@ApiErrorResponse(404, 'SOURCE_NOT_FOUND or ENDPOINT_NOT_FOUND', {
  code: 'SOURCE_NOT_FOUND',
  message: 'no source has id "665f1c2e8b3d4a0012345679"',
  param: 'id',
})
@Controller('api/sources')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a source with its forwarding endpoints',
    description: 'Endpoints with `signing.enabled` get a generated secret, returned in this response only.',
  })
  @ApiCreatedResponse({ type: SourceResponse })
  create(@Body() body: CreateSourceBody): Promise<SourceResponse> {
    return this.sources.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List sources, newest first' })
  @ApiOkResponse({ type: SourcePage })
  list(@Query() query: PaginationQuery): Promise<PageResponse<SourceResponse>> {
    return this.sources.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one source' })
  @ApiOkResponse({ type: SourceResponse })
  get(@Param('id') id: string): Promise<SourceResponse> {
    return this.sources.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a source',
    description:
      '`endpoints` replaces the list: entries with an `id` keep that endpoint (and its signing secret), ' +
      'entries without one are new, endpoints left out are removed.',
  })
  @ApiOkResponse({ type: SourceResponse })
  update(@Param('id') id: string, @Body() body: UpdateSourceBody): Promise<SourceResponse> {
    return this.sources.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a source' })
  @ApiNoContentResponse({ description: 'Deleted' })
  remove(@Param('id') id: string): Promise<void> {
    return this.sources.remove(id);
  }

  @Post(':id/endpoints/:endpointId/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-enable an endpoint (e.g. one switched off after HTTP 410)' })
  @ApiOkResponse({ type: SourceResponse })
  enableEndpoint(@Param('id') id: string, @Param('endpointId') endpointId: string): Promise<SourceResponse> {
    return this.sources.enableEndpoint(id, endpointId);
  }

  @Post(':id/endpoints/:endpointId/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Generate a new signing secret for an endpoint (turns signing on)',
    description: 'The new secret is in this response only; the old one stops being used at once.',
  })
  @ApiOkResponse({ type: SourceResponse })
  rotateEndpointSecret(
    @Param('id') id: string,
    @Param('endpointId') endpointId: string,
  ): Promise<SourceResponse> {
    return this.sources.rotateEndpointSecret(id, endpointId);
  }
}
