import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ATTEMPT_TRIGGERS,
  type AttemptTrigger,
  CONVERSION_STATUSES,
  type ConversionStatus,
  DELIVERY_STATES,
  type DeliveryState,
  type ForwardMethod,
  HTTP_METHODS,
} from '@ricochet/domain/model';
import { PageOf } from '../../common/page.dto';

export class DeliveryResponse {
  @ApiProperty({
    description: 'Delivery id (also the Idempotency-Key header sent)',
    example: '665f1c2e8b3d4a0012345678',
  })
  id!: string;

  @ApiProperty({ description: 'Conversion forwarded', example: '665f1c2e8b3d4a001234567a' })
  conversionId!: string;

  @ApiProperty({ description: 'Source endpoint it goes to', example: '665f1c2e8b3d4a001234567b' })
  endpointId!: string;

  @ApiProperty({ description: 'Source owning the endpoint', example: '665f1c2e8b3d4a0012345679' })
  sourceId!: string;

  @ApiProperty({
    enum: CONVERSION_STATUSES,
    description: 'Conversion status this delivery forwards',
    example: 'approved',
  })
  status!: ConversionStatus;

  @ApiProperty({ enum: DELIVERY_STATES, description: 'Delivery state', example: 'failed' })
  state!: DeliveryState;

  @ApiProperty({ description: 'HTTP tries made', example: 2 })
  attempts!: number;

  @ApiPropertyOptional({ description: 'When the next try is due', example: '2026-11-24T06:51:00.000Z' })
  nextAttemptAt?: Date;

  @ApiPropertyOptional({ description: 'Last failure', example: 'HTTP 503 from the endpoint' })
  lastError?: string;

  @ApiPropertyOptional({ description: 'HTTP status of the last try', example: 503 })
  lastStatusCode?: number;

  @ApiPropertyOptional({ description: 'When it was delivered', example: '2026-11-24T06:52:00.000Z' })
  deliveredAt?: Date;

  @ApiProperty({ description: 'Created', example: '2026-11-24T06:50:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ description: 'Last changed', example: '2026-11-24T06:51:00.000Z' })
  updatedAt!: Date;
}

export class DeliveryAttemptResponse {
  @ApiProperty({ description: 'Attempt id', example: '665f1c2e8b3d4a0012345680' })
  id!: string;

  @ApiProperty({ description: 'Attempt number, 1 for the first', example: 1 })
  attemptNo!: number;

  @ApiProperty({ enum: ATTEMPT_TRIGGERS, description: 'What started it', example: 'first' })
  trigger!: AttemptTrigger;

  @ApiProperty({
    description: 'URL requested, secrets redacted',
    example: 'https://tracker.example/pb?cid=abc',
  })
  url!: string;

  @ApiProperty({ enum: HTTP_METHODS, description: 'HTTP method', example: 'GET' })
  method!: ForwardMethod;

  @ApiPropertyOptional({ description: 'HTTP status received', example: 503 })
  statusCode?: number;

  @ApiProperty({ description: 'Duration in milliseconds', example: 182 })
  durationMs!: number;

  @ApiProperty({ description: 'When it started', example: '2026-11-24T06:50:01.000Z' })
  startedAt!: Date;

  @ApiProperty({ description: 'Start of the response body (≤ 2 KiB)', example: 'Service Unavailable' })
  responseSnippet!: string;

  @ApiPropertyOptional({
    description:
      'Failure class: http_5xx, http_429, http_408, http_4xx, redirect, body_mismatch, gone, timeout, connect_error, connection_reset, dns_error, tls_error, ssrf_blocked, network_error, template_error',
    example: 'http_5xx',
  })
  errorClass?: string;

  @ApiPropertyOptional({ description: 'Failure detail', example: 'connect ETIMEDOUT' })
  errorMessage?: string;
}

export class DeliveryDetailResponse extends DeliveryResponse {
  @ApiProperty({ type: [DeliveryAttemptResponse], description: 'Every try, in attempt order' })
  attemptLog!: DeliveryAttemptResponse[];
}

export class DeliveryPage extends PageOf(DeliveryResponse) {}
