import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiBadRequestResponse,
  ApiConflictResponse,
} from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { ErrorResponse } from '../../http/error-response';
import type { PageResponse } from '../common/page.dto';
import { PaginationQuery } from '../common/pagination.dto';
import { AdvertisersService } from './advertisers.service';
import {
  AdvertiserPage,
  AdvertiserResponse,
  CreateAdvertiserBody,
  UpdateAdvertiserBody,
} from './dto/advertiser.dto';

@AdminController('advertisers')
@ApiBadRequestResponse({
  description: 'Invalid input; `code`, `param` and `hint` say what to fix',
  type: ErrorResponse,
})
@ApiNotFoundResponse({ description: 'ADVERTISER_NOT_FOUND', type: ErrorResponse })
@Controller('api/advertisers')
export class AdvertisersController {
  constructor(private readonly advertisers: AdvertisersService) {}

  @Post()
  @ApiOperation({ summary: 'Create an advertiser (a postback token is generated unless given)' })
  @ApiCreatedResponse({ type: AdvertiserResponse })
  @ApiConflictResponse({ description: 'The postback token is taken', type: ErrorResponse })
  create(@Body() body: CreateAdvertiserBody): Promise<AdvertiserResponse> {
    return this.advertisers.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List advertisers, newest first' })
  @ApiOkResponse({ type: AdvertiserPage })
  list(@Query() query: PaginationQuery): Promise<PageResponse<AdvertiserResponse>> {
    return this.advertisers.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one advertiser' })
  @ApiOkResponse({ type: AdvertiserResponse })
  get(@Param('id') id: string): Promise<AdvertiserResponse> {
    return this.advertisers.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change an advertiser; omitted fields stay, `signingSecret: null` removes the secret',
  })
  @ApiOkResponse({ type: AdvertiserResponse })
  @ApiConflictResponse({ description: 'The postback token is taken', type: ErrorResponse })
  update(@Param('id') id: string, @Body() body: UpdateAdvertiserBody): Promise<AdvertiserResponse> {
    return this.advertisers.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an advertiser' })
  @ApiNoContentResponse({ description: 'Deleted' })
  remove(@Param('id') id: string): Promise<void> {
    return this.advertisers.remove(id);
  }

  @Post(':id/rotate-token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the postback token with a new random one',
    description: 'The old token stops working at once; give the advertiser the new postbackUrlExample.',
  })
  @ApiOkResponse({ type: AdvertiserResponse })
  rotateToken(@Param('id') id: string): Promise<AdvertiserResponse> {
    return this.advertisers.rotateToken(id);
  }
}
