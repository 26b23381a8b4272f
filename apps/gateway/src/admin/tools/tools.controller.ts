import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { ErrorResponse } from '../../http/error-response';
import { PreviewBody, PreviewResponse } from './dto/preview.dto';
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
}
