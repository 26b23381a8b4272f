import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ObjectField, TextField } from '../../common/fields.decorator';

const HEX_ID = /^[0-9a-fA-F]{24}$/;

/** `POST /api/tools/test-send`: which endpoint to try, with which values. */
export class TestSendBody {
  @TextField({
    description: 'The traffic source (24-character hex id)',
    example: '665f1c2e8b3d4a0087654321',
    min: 24,
    max: 24,
    pattern: HEX_ID,
    patternMessage: 'sourceId must be a 24-character hex id',
  })
  sourceId!: string;

  @TextField({
    description: 'The endpoint of that source to send to (24-character hex id); a disabled one may be tried',
    example: '665f1c2e8b3d4a00aaaa0001',
    min: 24,
    max: 24,
    pattern: HEX_ID,
    patternMessage: 'endpointId must be a 24-character hex id',
  })
  endpointId!: string;

  @TextField({
    description:
      "Render with this stored conversion's values (its click and postback too), as its delivery would; " +
      'omit for sample values',
    example: '665f1c2e8b3d4a00abcdef01',
    required: false,
    min: 24,
    max: 24,
    pattern: HEX_ID,
    patternMessage: 'conversionId must be a 24-character hex id',
  })
  conversionId?: string;

  @ObjectField({
    description:
      'Macro values over the sample or conversion values, by macro name (`postback.NAME` for an ' +
      'advertiser parameter); `status` is one of pending, approved, rejected',
    example: { ext_click_id: 'abc123', payout: '4.20', status: 'approved', 'postback.goal': 'ftd' },
    required: false,
  })
  values?: Record<string, string>;
}

/** The request as sent, with secrets masked. */
export class TestSendRequestView {
  @ApiProperty({ example: 'GET', enum: ['GET', 'POST'] })
  method!: string;

  @ApiProperty({
    description: 'The URL as sent, with secret query parameters and path credentials masked (`***`)',
    example: 'https://tracker.example/pb?clickid=abc123&payout=4.20&api_key=***',
  })
  url!: string;

  @ApiProperty({
    description:
      'Request headers as sent (lower-case names), secret ones such as `webhook-signature` or ' +
      '`x-api-key` shown as `[redacted]`; `x-ricochet-test: 1` marks the request as a test',
    example: {
      'idempotency-key': '8c0d5a9e3f1b7c2d4e6f8a0b',
      'user-agent': 'Ricochet/0.1',
      'x-ricochet-test': '1',
    },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  headers!: Record<string, string>;

  @ApiPropertyOptional({
    description: 'The body as sent (POST endpoints only)',
    example: '{"click_id":"abc123","amount":4.20}',
  })
  body?: string;
}

/** What the endpoint answered. */
export class TestSendResponseView {
  @ApiProperty({ example: 200 })
  status!: number;

  @ApiProperty({
    description:
      'Response headers (lower-case names; secret ones such as `set-cookie` shown as `[redacted]`)',
    example: { 'content-type': 'text/plain' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  headers!: Record<string, string>;

  @ApiProperty({ description: 'The first 2 KiB of the body', example: 'OK' })
  body!: string;
}

/** Why the send did not count as delivered, in the attempt log's words. */
export class TestSendError {
  @ApiProperty({
    description:
      'Error class, as a delivery attempt would record it: http_5xx, http_4xx, http_429, gone, ' +
      'redirect, body_mismatch, timeout, connect_error, dns_error, tls_error, ssrf_blocked, template_error …',
    example: 'http_5xx',
  })
  class!: string;

  @ApiProperty({ example: 'HTTP 500 (http_5xx)' })
  message!: string;
}

export const TEST_SEND_OUTCOMES = ['delivered', 'failed', 'dead'] as const;
export type TestSendOutcome = (typeof TEST_SEND_OUTCOMES)[number];

/** One test send: the request, the answer, and what a real delivery would have made of it. */
export class TestSendResponse {
  @ApiProperty({
    type: TestSendRequestView,
    nullable: true,
    description: 'The request as sent; null when the endpoint cannot be rendered (template_error)',
  })
  request!: TestSendRequestView | null;

  @ApiProperty({
    type: TestSendResponseView,
    nullable: true,
    description: 'The answer; null when none came (refused destination, timeout, connection error …)',
  })
  response!: TestSendResponseView | null;

  @ApiProperty({
    enum: TEST_SEND_OUTCOMES,
    description:
      'What a real delivery would have become after this answer: delivered, failed (it would be ' +
      'retried) or dead (no retry; a 410 would also disable the endpoint). Nothing is recorded here.',
    example: 'delivered',
  })
  outcome!: TestSendOutcome;

  @ApiPropertyOptional({ type: TestSendError, description: 'Present unless delivered' })
  error?: TestSendError;

  @ApiProperty({ description: 'Time from sending to the end of the answer, in ms', example: 84 })
  durationMs!: number;
}
