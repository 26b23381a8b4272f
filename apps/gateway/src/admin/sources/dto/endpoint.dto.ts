import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BODY_FORMATS,
  type BodyFormat,
  CONVERSION_STATUSES,
  type ConversionStatus,
  type ForwardMethod,
  HTTP_METHODS,
} from '@ricochet/domain/model';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import {
  BooleanField,
  EnumField,
  NumberField,
  ObjectField,
  StringListField,
  TextField,
} from '../../common/fields.decorator';
import { IsTemplate } from '../../common/template.decorator';

export const MAX_SUCCESS_BODY_MATCH_LENGTH = 500;
export const MAX_RPS = 1000;

export class EndpointSigningBody {
  @BooleanField({
    description:
      'Sign requests with Standard Webhooks headers. Turning it on generates a `whsec_` secret that is ' +
      'shown once, in this response only; afterwards only `hasSigningSecret` is returned.',
    example: true,
  })
  enabled!: boolean;
}

export class EndpointBody {
  @TextField({
    description:
      "Keep an existing endpoint's id when replacing the list (deliveries refer to it); omit for a new endpoint",
    example: '665f1c2e8b3d4a00aa11bb22',
    required: false,
    min: 24,
    max: 24,
    pattern: /^[0-9a-fA-F]{24}$/,
    patternMessage: 'id must be the 24-character hex id of an existing endpoint',
  })
  id?: string;

  @IsTemplate('forward-url', {
    description: 'Destination URL (http/https; scheme and host literal); macro values are URL-encoded',
    example: 'https://tracker.example/postback?clickid={ext_click_id}&payout={payout}&status={status}',
  })
  url!: string;

  @EnumField(HTTP_METHODS, { description: 'HTTP method (default GET)', example: 'GET', required: false })
  method?: ForwardMethod;

  @EnumField(BODY_FORMATS, {
    description: 'POST body encoding (default json): JSON-escaped or form-URL-encoded values',
    example: 'json',
    required: false,
  })
  bodyFormat?: BodyFormat;

  @IsTemplate('json-body', {
    description: 'POST body template (required for POST); kind json-body or form-body per `bodyFormat`',
    example: '{"click_id":"{ext_click_id}","amount":{payout},"status":"{status}"}',
    required: false,
  })
  bodyTemplate?: string;

  @ObjectField({
    description:
      'Extra request headers; values are header templates whose literal text is ASCII. Every macro may ' +
      'appear; its value is percent-encoded outside visible ASCII (`café` → `caf%C3%A9`). Host, ' +
      'Content-Length, Transfer-Encoding, Connection and Idempotency-Key are set by Ricochet and refused here.',
    example: { 'X-Api-Key': 'partner-key-123', 'X-Click': '{click_id}' },
    required: false,
  })
  headers?: Record<string, string>;

  @StringListField({
    description: 'Events that fire this endpoint; `["*"]` (default) = every event',
    example: ['conversion', 'ftd'],
    required: false,
    maxItems: 50,
    maxLength: 64,
  })
  events?: string[];

  @StringListField({
    description: 'Conversion statuses that fire this endpoint (default ["approved"])',
    example: ['approved', 'rejected'],
    required: false,
    maxItems: 3,
    maxLength: 16,
    values: CONVERSION_STATUSES,
  })
  statuses?: ConversionStatus[];

  @BooleanField({
    description:
      'At most one forward per conversion (the first matching status), reversals excepted (default true)',
    example: true,
    required: false,
  })
  fireOnce?: boolean;

  @TextField({
    description:
      'Pattern a 2xx response body must match to count as delivered, searched in its first 16 KiB. RE2 ' +
      'syntax (JavaScript regular expressions without backreferences or lookaround; `(?i)` for any case), ' +
      'matched in linear time whatever the receiver answers; at most 120 compiled instructions.',
    example: '^(OK|success)',
    required: false,
    max: MAX_SUCCESS_BODY_MATCH_LENGTH,
  })
  successBodyMatch?: string;

  @NumberField({
    description: `Rate limit in requests per second, 0 < x ≤ ${MAX_RPS}; omit for no limit`,
    example: 20,
    required: false,
    min: 0,
    exclusiveMin: true,
    max: MAX_RPS,
  })
  maxRps?: number;

  @ApiPropertyOptional({ type: EndpointSigningBody, description: 'Standard Webhooks signing' })
  @IsOptional()
  @ValidateNested()
  @Type(() => EndpointSigningBody)
  signing?: EndpointSigningBody;

  @TextField({
    description: "Retry delays after each failed attempt, comma-separated (default: the gateway's schedule)",
    example: '10s,1m,5m,30m,2h,5h,10h,14h,20h,24h',
    required: false,
    max: 1000,
  })
  retrySchedule?: string;

  @BooleanField({
    description: 'Whether the endpoint receives forwards (default true)',
    example: true,
    required: false,
  })
  enabled?: boolean;
}

export class EndpointResponse {
  @ApiProperty({ example: '665f1c2e8b3d4a00aa11bb22', description: 'Endpoint id' })
  id!: string;

  @ApiProperty({
    example: 'https://tracker.example/postback?clickid={ext_click_id}',
    description: 'URL template',
  })
  url!: string;

  @ApiProperty({ enum: HTTP_METHODS, example: 'GET', description: 'HTTP method' })
  method!: ForwardMethod;

  @ApiProperty({ enum: BODY_FORMATS, example: 'json', description: 'POST body encoding' })
  bodyFormat!: BodyFormat;

  @ApiPropertyOptional({ example: '{"click_id":"{ext_click_id}"}', description: 'POST body template' })
  bodyTemplate?: string;

  @ApiProperty({
    example: { 'X-Click': '{click_id}' },
    description: 'Header templates',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  headers!: Record<string, string>;

  @ApiProperty({ example: ['*'], description: 'Events that fire it', type: [String] })
  events!: string[];

  @ApiProperty({
    example: ['approved'],
    description: 'Statuses that fire it',
    enum: CONVERSION_STATUSES,
    isArray: true,
  })
  statuses!: ConversionStatus[];

  @ApiProperty({ example: true, description: 'At most one forward per conversion' })
  fireOnce!: boolean;

  @ApiPropertyOptional({ example: '^OK', description: 'Success body regex' })
  successBodyMatch?: string;

  @ApiPropertyOptional({ example: 20, description: 'Requests per second limit' })
  maxRps?: number;

  @ApiProperty({ example: true, description: 'Whether requests are signed (the secret is write-only)' })
  hasSigningSecret!: boolean;

  @ApiPropertyOptional({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'The signing secret, present ONLY in the response that generated it (create, update that turned ' +
      'signing on, rotate-secret). Store it now; it is never shown again.',
  })
  signingSecret?: string;

  @ApiPropertyOptional({ example: '10s,1m,5m', description: 'Retry schedule override' })
  retrySchedule?: string;

  @ApiProperty({ example: true, description: 'Whether the endpoint receives forwards' })
  enabled!: boolean;

  @ApiPropertyOptional({ example: 'HTTP 410 Gone', description: 'Why it was switched off automatically' })
  disabledReason?: string;
}
