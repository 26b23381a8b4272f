import { ApiPropertyOptional } from '@nestjs/swagger';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '@ricochet/persistence';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/**
 * `?limit=&cursor=` of every admin list endpoint (newest first). Extend it to add filters. Query
 * parameters carry no `example`: swagger-ui would prefill "Try it out" with it (`finishDocument`).
 */
export class PaginationQuery {
  @ApiPropertyOptional({
    description: `Items per page, 1…${MAX_PAGE_LIMIT}`,
    default: DEFAULT_PAGE_LIMIT,
    minimum: 1,
    maximum: MAX_PAGE_LIMIT,
    type: 'integer',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page; leave empty for the first page',
  })
  @IsOptional()
  @IsString()
  cursor?: string;
}
