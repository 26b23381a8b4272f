import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CONVERSION_STATUSES,
  type ConversionStatus,
  type ForwardMethod,
  HTTP_METHODS,
  POSTBACK_OUTCOMES,
  type PostbackOutcome,
} from '@ricochet/domain/model';
import { PageOf } from '../../common/page.dto';

export class NormalizedPostbackResponse {
  @ApiProperty({ description: 'Click id the postback names', example: 'c_8Jx2mQ4vT7' })
  clickId!: string;

  @ApiPropertyOptional({ description: 'Payout the advertiser reported (decimal string)', example: '12.50' })
  payout?: string;

  @ApiPropertyOptional({ description: 'Advertiser transaction id', example: 'order-1001' })
  txid?: string;

  @ApiProperty({ enum: CONVERSION_STATUSES, description: 'Normalised status', example: 'approved' })
  status!: ConversionStatus;

  @ApiProperty({ description: 'Conversion event', example: 'conversion' })
  event!: string;

  @ApiPropertyOptional({ description: 'ISO 4217 currency', example: 'USD' })
  currency?: string;
}

export class PostbackResponse {
  @ApiProperty({ description: 'Postback id', example: '665f1c2e8b3d4a0012345678' })
  id!: string;

  @ApiProperty({ description: 'Authenticated advertiser', example: '665f1c2e8b3d4a0012345679' })
  advertiserId!: string;

  @ApiProperty({
    description: 'Every received parameter as received; the postback token is redacted',
    example: { click_id: 'c_8Jx2mQ4vT7', payout: '12.50', token: '[redacted]' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  params!: Record<string, string>;

  @ApiProperty({ enum: HTTP_METHODS, description: 'HTTP method of the request', example: 'GET' })
  method!: ForwardMethod;

  @ApiPropertyOptional({ description: 'Client IP', example: '203.0.113.7' })
  ip?: string;

  @ApiProperty({ description: 'When it was received', example: '2026-11-24T06:50:00.000Z' })
  receivedAt!: Date;

  @ApiProperty({
    enum: POSTBACK_OUTCOMES,
    description: 'Where intake and attribution left it',
    example: 'attributed',
  })
  outcome!: PostbackOutcome;

  @ApiPropertyOptional({ description: 'Machine code when rejected', example: 'CLICK_EXPIRED' })
  rejectReason?: string;

  @ApiPropertyOptional({
    description: 'Human explanation when rejected',
    example: 'click is older than 30 days',
  })
  rejectMessage?: string;

  @ApiPropertyOptional({ type: NormalizedPostbackResponse, description: 'Canonical fields, when parsed' })
  normalized?: NormalizedPostbackResponse;

  @ApiPropertyOptional({
    description: 'Conversion it created or changed',
    example: '665f1c2e8b3d4a001234567a',
  })
  conversionId?: string;

  @ApiProperty({ description: 'Attribution attempts so far', example: 1 })
  attributionAttempts!: number;

  @ApiPropertyOptional({
    description: 'When attribution is due again (while accepted)',
    example: '2026-11-24T06:51:00.000Z',
  })
  nextAttemptAt?: Date;

  @ApiPropertyOptional({
    description: 'Deadline for its click to appear',
    example: '2026-11-24T07:05:00.000Z',
  })
  waitUntil?: Date;
}

export class PostbackPage extends PageOf(PostbackResponse) {}
