import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { API_TAGS } from '../../http/api-tags';
import { ApiErrorResponse } from '../../http/error-response';
import { TestSendBody, TestSendResponse } from './dto/test-send.dto';
import { TestSendService } from './test-send.service';

const SOURCE = '665f1c2e8b3d4a0087654321';
const ENDPOINT = '665f1c2e8b3d4a00aaaa0001';

@AdminController(API_TAGS.tools)
@Controller('api/tools')
export class TestSendController {
  constructor(private readonly testSend: TestSendService) {}

  @Post('test-send')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send one test request to an endpoint, as a delivery would, and show request and answer',
    description:
      "Renders the endpoint's request exactly as a delivery would (templates, headers, signature) with " +
      "sample values, a stored conversion's values, or values you give; sends it once (the SSRF guard " +
      'and timeouts apply as for deliveries) and answers with the request (secrets masked), the ' +
      'response and what a delivery would have become. The request carries `X-Ricochet-Test: 1` and an ' +
      'Idempotency-Key of its own. Nothing is stored, and the rate limit and circuit breaker are ' +
      'bypassed. A refused or failed send is still a 200: see `error`.',
  })
  @ApiBody({
    type: TestSendBody,
    examples: {
      sample: {
        summary: 'Sample values, with a click id and payout of your choice',
        value: {
          sourceId: SOURCE,
          endpointId: ENDPOINT,
          values: { ext_click_id: 'test-123', payout: '4.20', status: 'approved' },
        },
      },
      conversion: {
        summary: 'A stored conversion, as its delivery would be sent',
        value: { sourceId: SOURCE, endpointId: ENDPOINT, conversionId: '665f1c2e8b3d4a00abcdef01' },
      },
    },
  })
  @ApiOkResponse({ type: TestSendResponse })
  @ApiErrorResponse(400, 'UNKNOWN_MACRO, INVALID_STATUS, INVALID_VALUE …', {
    code: 'UNKNOWN_MACRO',
    message: 'UNKNOWN_MACRO: "amount" is not a macro a forward can use',
    param: 'values.amount',
  })
  @ApiErrorResponse(404, 'SOURCE_NOT_FOUND, ENDPOINT_NOT_FOUND, CONVERSION_NOT_FOUND', {
    code: 'ENDPOINT_NOT_FOUND',
    message: `source "${SOURCE}" has no endpoint "${ENDPOINT}" (GET /api/sources/${SOURCE} lists them)`,
    param: 'endpointId',
  })
  send(@Body() body: TestSendBody): Promise<TestSendResponse> {
    return this.testSend.send(body);
  }
}
