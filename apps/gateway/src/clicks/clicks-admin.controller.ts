import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, getSchemaPath } from '@nestjs/swagger';
import { AdminController } from '../http/admin-route.decorator';
import { API_TAGS } from '../http/api-tags';
import { ApiErrorResponse } from '../http/error-response';
import { ClickRegistrationService } from './click-registration.service';
import { RegisterClickDto } from './dto/register-click.dto';
import { RegisterClicksDto, RegisterClicksResponseDto } from './dto/register-clicks.dto';

/** Registers clicks minted by an external tracker. */
@AdminController(API_TAGS.live)
@Controller('api/clicks')
@ApiExtraModels(RegisterClickDto, RegisterClicksDto)
export class ClicksAdminController {
  constructor(private readonly registration: ClickRegistrationService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Register externally minted clicks',
    description:
      'One click, or { "clicks": [...] } with up to 1000. Each item is `created` or `duplicate` (the click ' +
      'id exists; nothing changes). Postbacks already waiting for a created click id are queued for ' +
      'attribution again. An invalid item or an unknown offer/source refuses the whole request.',
  })
  @ApiBody({
    schema: {
      oneOf: [{ $ref: getSchemaPath(RegisterClickDto) }, { $ref: getSchemaPath(RegisterClicksDto) }],
    },
    examples: {
      single: {
        value: {
          clickId: 'c7Hq2LmN0pRs4TuV6wXy8z',
          offerId: '665f1c2e8b3d4a0012345678',
          sourceId: '665f1c2e8b3d4a0087654321',
          sub1: 'banner-7',
        },
      },
      bulk: {
        value: {
          clicks: [
            { clickId: 'ext-1', offerId: '665f1c2e8b3d4a0012345678', sourceId: '665f1c2e8b3d4a0087654321' },
            { clickId: 'ext-2', offerId: '665f1c2e8b3d4a0012345678', sourceId: '665f1c2e8b3d4a0087654321' },
          ],
        },
      },
    },
  })
  @ApiOkResponse({ type: RegisterClicksResponseDto })
  @ApiErrorResponse(400, 'Invalid item, or unknown offer/source', {
    message: 'clicks[1].offerId must be a mongodb id',
    param: 'clicks[1].offerId',
    details: ['clicks[1].offerId must be a mongodb id'],
  })
  @ApiErrorResponse(413, 'More than 1000 clicks', {
    code: 'BATCH_TOO_LARGE',
    message: 'BATCH_TOO_LARGE: at most 1000 items per call, got 1001',
  })
  register(@Body() body: Record<string, unknown>): Promise<RegisterClicksResponseDto> {
    return this.registration.register(body);
  }
}
