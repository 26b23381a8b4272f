import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REPORT_GROUPS, type ReportGroupBy } from '@ricochet/persistence';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional } from 'class-validator';

/** `GET /api/reports`: one row per group over [from, to) (each collection's `createdAt`, UTC days). */
export class ReportQuery {
  @ApiProperty({
    enum: REPORT_GROUPS,
    description: 'Row key: UTC day, offer id, source id or event',
    example: 'day',
  })
  @IsIn(REPORT_GROUPS)
  groupBy!: ReportGroupBy;

  @ApiPropertyOptional({ description: 'At or after (ISO 8601)', example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'Before (ISO 8601)', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}
