import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional } from 'class-validator';
import { PaginationQuery } from './pagination.dto';

/** A half-open time range [from, to); each endpoint says which time it filters. */
export class TimeRange {
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

/** Paginated list filters with a time range. */
export class TimeRangeQuery extends IntersectionType(PaginationQuery, TimeRange) {}
