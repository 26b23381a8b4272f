import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { DeliveryListQuery } from './delivery-list-query.dto';

/** `POST /api/deliveries/replay`: the list filters, plus whether to only count. */
export class BulkReplayBody extends OmitType(DeliveryListQuery, ['limit', 'cursor'] as const) {
  @ApiPropertyOptional({
    description: 'Only count the matching deliveries; nothing is replayed',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

/** The answer to a bulk replay: the count, and for a real run the id to follow its progress with. */
export class BulkReplayResponse {
  @ApiProperty({ description: 'Deliveries matching the filter when the request was made', example: 42 })
  matched!: number;

  @ApiPropertyOptional({
    description: 'Present unless dryRun: GET /api/deliveries/replay/{replayId} for progress',
    example: '2b1f0c6e-8d0e-4b7e-9d43-5f0f7a1c9e21',
  })
  replayId?: string;
}

/** Progress of a background bulk replay, readable from any gateway instance (kept in Redis for 7 days). */
export class ReplayProgressResponse {
  @ApiProperty({ description: 'Bulk replay id', example: '2b1f0c6e-8d0e-4b7e-9d43-5f0f7a1c9e21' })
  replayId!: string;

  @ApiProperty({ description: 'Deliveries matching the filter at the start', example: 42 })
  matched!: number;

  @ApiProperty({ description: 'Deliveries reset to pending and queued so far', example: 40 })
  enqueued!: number;

  @ApiProperty({
    description: 'Whether the run has finished (see error if it stopped early)',
    example: false,
  })
  done!: boolean;

  @ApiProperty({ description: 'When it started', example: '2026-11-24T06:50:00.000Z' })
  startedAt!: string;

  @ApiPropertyOptional({ description: 'When it finished', example: '2026-11-24T06:50:03.000Z' })
  finishedAt?: string;

  @ApiPropertyOptional({ description: 'Why it stopped early', example: 'interrupted by shutdown' })
  error?: string;
}
