import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONVERSION_STATUSES, type ConversionStatus } from '@ricochet/domain/model';
import { Type } from 'class-transformer';
import { IsDate } from 'class-validator';
import { BooleanField, StringListField, TextField } from '../../common/fields.decorator';

const HEX_ID = /^[0-9a-fA-F]{24}$/;

/** `POST /api/backfills`: which conversions to forward to which endpoint. */
export class BackfillBody {
  @TextField({
    description: 'The traffic source whose conversions are forwarded (24-character hex id)',
    example: '665f1c2e8b3d4a0087654321',
    min: 24,
    max: 24,
    pattern: HEX_ID,
    patternMessage: 'sourceId must be a 24-character hex id',
  })
  sourceId!: string;

  @TextField({
    description: 'The endpoint of that source to forward them to (24-character hex id)',
    example: '665f1c2e8b3d4a00aaaa0001',
    min: 24,
    max: 24,
    pattern: HEX_ID,
    patternMessage: 'endpointId must be a 24-character hex id',
  })
  endpointId!: string;

  @ApiProperty({
    description: 'Conversions created at or after this time (ISO 8601)',
    example: '2026-11-01T00:00:00Z',
    format: 'date-time',
    type: String,
  })
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO 8601 date-time like 2026-11-01T00:00:00Z' })
  from!: Date;

  @ApiProperty({
    description: 'Conversions created before this time (ISO 8601); at most 366 days after `from`',
    example: '2026-12-01T00:00:00Z',
    format: 'date-time',
    type: String,
  })
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO 8601 date-time like 2026-12-01T00:00:00Z' })
  to!: Date;

  @StringListField({
    description:
      "Only conversions currently in these statuses (each must be one of the endpoint's statuses); " +
      "default: all of the endpoint's statuses",
    example: ['approved'],
    required: false,
    maxItems: 3,
    maxLength: 16,
    values: CONVERSION_STATUSES,
  })
  statuses?: ConversionStatus[];

  @BooleanField({
    description: 'Only count the conversions that would be forwarded; nothing is created or sent',
    example: true,
    required: false,
  })
  dryRun?: boolean;
}

/** The answer to a backfill: the count, and for a real run the id to follow its progress with. */
export class BackfillResponse {
  @ApiProperty({
    description:
      'Conversions of the source in the range whose current status the endpoint fires for ' +
      '(including those that already have the delivery: a run skips them)',
    example: 1250,
  })
  matched!: number;

  @ApiPropertyOptional({
    description: 'Present unless dryRun: GET /api/backfills/{backfillId} for progress',
    example: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  })
  backfillId?: string;
}

/** Progress of a backfill, readable from any gateway instance (kept in Redis for 7 days). */
export class BackfillProgressResponse {
  @ApiProperty({ description: 'Backfill id', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' })
  backfillId!: string;

  @ApiProperty({ description: 'The source', example: '665f1c2e8b3d4a0087654321' })
  sourceId!: string;

  @ApiProperty({ description: 'The endpoint forwarded to', example: '665f1c2e8b3d4a00aaaa0001' })
  endpointId!: string;

  @ApiProperty({ description: 'Start of the range', example: '2026-11-01T00:00:00.000Z' })
  from!: string;

  @ApiProperty({ description: 'End of the range (exclusive)', example: '2026-12-01T00:00:00.000Z' })
  to!: string;

  @ApiProperty({
    description: 'Conversion statuses walked',
    example: ['approved'],
    enum: CONVERSION_STATUSES,
    isArray: true,
  })
  statuses!: ConversionStatus[];

  @ApiProperty({ description: 'Matching conversions when the backfill was started', example: 1250 })
  matched!: number;

  @ApiProperty({ description: 'Matching conversions handled so far (created + skipped)', example: 800 })
  processed!: number;

  @ApiProperty({ description: 'Deliveries created and queued by this backfill', example: 790 })
  created!: number;

  @ApiProperty({
    description: 'Matching conversions that already had the delivery (nothing created for them)',
    example: 10,
  })
  skipped!: number;

  @ApiProperty({
    description:
      'Whether the walk has finished (see error if it stopped early). The deliveries it queued are ' +
      'sent afterwards, at the pace of the endpoint: follow them with GET /api/deliveries?endpointId=…',
    example: false,
  })
  done!: boolean;

  @ApiProperty({ description: 'When it started', example: '2026-12-02T09:00:00.000Z' })
  startedAt!: string;

  @ApiPropertyOptional({ description: 'When it finished', example: '2026-12-02T09:00:04.000Z' })
  finishedAt?: string;

  @ApiPropertyOptional({
    description: 'Why it stopped before the end of its range',
    example: 'endpoint "665f1c2e8b3d4a00aaaa0001" was disabled (HTTP 410 Gone); enable it and start again',
  })
  error?: string;

  @ApiPropertyOptional({
    description: 'A transient failure (database, Redis) the run is retrying by itself',
    example: 'connection timed out',
  })
  lastError?: string;
}
