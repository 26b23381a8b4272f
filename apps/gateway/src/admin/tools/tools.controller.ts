import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { ErrorResponse } from '../../http/error-response';
import { PreviewBody, PreviewResponse } from './dto/preview.dto';
import { SignPostbackBody, SignPostbackResponse } from './dto/sign-postback.dto';
import { ToolsService } from './tools.service';

@AdminController('tools')
@Controller('api/tools')
export class ToolsController {
  constructor(private readonly tools: ToolsService) {}

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Render a template against sample values or a stored conversion; nothing is sent',
    description: 'Template errors answer 400 with the same code and hint as saving the template would.',
  })
  @ApiOkResponse({ type: PreviewResponse })
  @ApiBadRequestResponse({ description: 'UNKNOWN_MACRO, FOREIGN_MACRO_SYNTAX …', type: ErrorResponse })
  @ApiNotFoundResponse({ description: 'CONVERSION_NOT_FOUND', type: ErrorResponse })
  preview(@Body() body: PreviewBody): Promise<PreviewResponse> {
    return this.tools.preview(body);
  }

  @Post('sign-postback')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Show the exact string a signed postback covers, and its HMAC-SHA256 signature',
    description:
      'For advertisers integrating signed postbacks (docs/security.md): give the request as it will be ' +
      'sent and either an advertiserId (its stored secret and scheme) or a secret; the answer has the ' +
      'canonical string, the signature and the headers to send. Give `signature` to check one.',
  })
  @ApiOkResponse({ type: SignPostbackResponse })
  @ApiBadRequestResponse({ description: 'SECRET_REQUIRED, NO_SIGNING_SECRET …', type: ErrorResponse })
  @ApiNotFoundResponse({ description: 'ADVERTISER_NOT_FOUND', type: ErrorResponse })
  signPostback(@Body() body: SignPostbackBody): Promise<SignPostbackResponse> {
    return this.tools.signPostback(body);
  }
}
