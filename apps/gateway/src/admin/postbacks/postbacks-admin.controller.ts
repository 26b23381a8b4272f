import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { API_TAGS } from '../../http/api-tags';
import { ApiErrorResponse } from '../../http/error-response';
import type { PageResponse } from '../common/page.dto';
import { PostbackListQuery } from './dto/postback-list-query.dto';
import { PostbackReplayResponse } from './dto/postback-replay-response.dto';
import { PostbackPage, PostbackResponse } from './dto/postback-response.dto';
import { PostbacksAdminService } from './postbacks-admin.service';

const NOT_FOUND = { code: 'NOT_FOUND', message: 'postback "665f1c2e8b3d4a00abcdef01" not found' };

/** Reading stored postbacks is live monitoring; replaying one is fixing a failure: two groups in `/docs`. */
@AdminController()
@Controller('api/postbacks')
export class PostbacksAdminController {
  constructor(private readonly service: PostbacksAdminService) {}

  @Get()
  @ApiTags(API_TAGS.live)
  @ApiOperation({
    summary: 'List stored postbacks, newest first, with filters',
    description:
      'Every filter is optional; `outcome=unattributed` lists postbacks whose click never arrived, ' +
      '`outcome=rejected` those refused at intake (with the reason).',
  })
  @ApiOkResponse({ type: PostbackPage })
  @ApiErrorResponse(400, 'A filter is invalid')
  list(@Query() query: PostbackListQuery): Promise<PageResponse<PostbackResponse>> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiTags(API_TAGS.live)
  @ApiOperation({ summary: 'One stored postback with every received parameter' })
  @ApiOkResponse({ type: PostbackResponse })
  @ApiErrorResponse(404, 'Unknown (or malformed) postback id', NOT_FOUND)
  get(@Param('id') id: string): Promise<PostbackResponse> {
    return this.service.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiTags(API_TAGS.failures)
  @ApiOperation({ summary: 'Attribute a stored postback again (e.g. an unattributed one)' })
  @ApiAcceptedResponse({ type: PostbackReplayResponse })
  @ApiErrorResponse(404, 'Unknown (or malformed) postback id', NOT_FOUND)
  replay(@Param('id') id: string): Promise<PostbackReplayResponse> {
    return this.service.replay(id);
  }
}
