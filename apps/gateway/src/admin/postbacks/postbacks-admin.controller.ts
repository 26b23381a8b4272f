import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { ErrorResponse } from '../../http/error-response';
import type { PageResponse } from '../common/page.dto';
import { PostbackListQuery } from './dto/postback-list-query.dto';
import { PostbackReplayResponse } from './dto/postback-replay-response.dto';
import { PostbackPage, PostbackResponse } from './dto/postback-response.dto';
import { PostbacksAdminService } from './postbacks-admin.service';

@AdminController('postbacks')
@Controller('api/postbacks')
export class PostbacksAdminController {
  constructor(private readonly service: PostbacksAdminService) {}

  @Get()
  @ApiOperation({ summary: 'List stored postbacks, newest first, with filters' })
  @ApiOkResponse({ type: PostbackPage })
  list(@Query() query: PostbackListQuery): Promise<PageResponse<PostbackResponse>> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One stored postback with every received parameter' })
  @ApiOkResponse({ type: PostbackResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown (or malformed) postback id' })
  get(@Param('id') id: string): Promise<PostbackResponse> {
    return this.service.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Attribute a stored postback again (e.g. an unattributed one)' })
  @ApiAcceptedResponse({ type: PostbackReplayResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown (or malformed) postback id' })
  replay(@Param('id') id: string): Promise<PostbackReplayResponse> {
    return this.service.replay(id);
  }
}
