import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { API_TAGS } from '../../http/api-tags';
import { ApiErrorResponse } from '../../http/error-response';
import type { PageResponse } from '../common/page.dto';
import { PaginationQuery } from '../common/pagination.dto';
import { AdvertisersService } from './advertisers.service';
import {
  AdvertiserPage,
  AdvertiserResponse,
  CreateAdvertiserBody,
  UpdateAdvertiserBody,
} from './dto/advertiser.dto';

const DUPLICATE_TOKEN = {
  code: 'DUPLICATE_KEY',
  message: 'DUPLICATE_KEY: advertisers already has {"postbackToken":"k3Jd9sLq0Zx8Vb2Nm4Rt6Yp1Wc5Ue7Ha"}',
};

@AdminController(API_TAGS.setup)
@ApiErrorResponse(400, 'Invalid input; `code`, `param` and `hint` say what to fix', {
  code: 'INVALID_STATUS_MAP',
  message: 'INVALID_STATUS_MAP: "statusMap.sale" must be one of pending, approved, rejected, got "paid"',
  param: 'statusMap.sale',
})
@ApiErrorResponse(404, 'ADVERTISER_NOT_FOUND', {
  code: 'ADVERTISER_NOT_FOUND',
  message: 'no advertiser has id "665f1c2e8b3d4a0012345678"',
  param: 'id',
})
@Controller('api/advertisers')
export class AdvertisersController {
  constructor(private readonly advertisers: AdvertisersService) {}

  @Post()
  @ApiOperation({ summary: 'Create an advertiser (a postback token is generated unless given)' })
  @ApiCreatedResponse({ type: AdvertiserResponse })
  @ApiErrorResponse(409, 'The postback token is taken', DUPLICATE_TOKEN)
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
  @ApiErrorResponse(409, 'The postback token is taken', DUPLICATE_TOKEN)
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
