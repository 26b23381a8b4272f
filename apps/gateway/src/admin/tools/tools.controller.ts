import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { API_TAGS } from '../../http/api-tags';
import { jsonBodyNumberTexts, type RequestWithRawBody } from '../../http/body-parsers';
import { ApiErrorResponse } from '../../http/error-response';
import { PreviewBody, PreviewResponse } from './dto/preview.dto';
import { SignPostbackBody, SignPostbackResponse } from './dto/sign-postback.dto';
import { ToolsService } from './tools.service';

@AdminController(API_TAGS.tools)
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
  @ApiErrorResponse(400, 'UNKNOWN_MACRO, FOREIGN_MACRO_SYNTAX …', {
    code: 'UNKNOWN_MACRO',
    message: 'UNKNOWN_MACRO: {amount} in "template" is not a Ricochet macro (did you mean {payout}?)',
    param: 'template',
    hint: 'did you mean {payout}?',
  })
  @ApiErrorResponse(404, 'CONVERSION_NOT_FOUND', {
    code: 'CONVERSION_NOT_FOUND',
    message: '"conversionId": no conversion has id "665f1c2e8b3d4a00abcdef01"',
    param: 'conversionId',
  })
  preview(@Body() body: PreviewBody, @Req() request: RequestWithRawBody): Promise<PreviewResponse> {
    return this.tools.preview(body, jsonBodyNumberTexts(request, ['values']));
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
  @ApiErrorResponse(400, 'SECRET_REQUIRED, NO_SIGNING_SECRET …', {
    code: 'SECRET_REQUIRED',
    message: 'SECRET_REQUIRED: give advertiserId (its stored secret is used) or secret',
    param: 'secret',
  })
  @ApiErrorResponse(404, 'ADVERTISER_NOT_FOUND', {
    code: 'ADVERTISER_NOT_FOUND',
    message: 'no advertiser has id "665f1c2e8b3d4a0012345678"',
    param: 'advertiserId',
  })
  signPostback(@Body() body: SignPostbackBody): Promise<SignPostbackResponse> {
    return this.tools.signPostback(body);
  }
}
