import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional } from 'class-validator';
import { PaginationQuery } from './pagination.dto';

/** A half-open time range [from, to); each endpoint says which time it filters. */
export class TimeRange {
  @ApiPropertyOptional({
    description: 'At or after this time, ISO 8601 like `2026-11-01T00:00:00Z`; empty = from the start',
    format: 'date-time',
    type: String,
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({
    description: 'Before this time, ISO 8601 like `2026-12-01T00:00:00Z`; empty = up to now',
    format: 'date-time',
    type: String,
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

/** Paginated list filters with a time range. */
export class TimeRangeQuery extends IntersectionType(PaginationQuery, TimeRange) {}
