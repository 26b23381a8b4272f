import { ApiPropertyOptional } from '@nestjs/swagger';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '@ricochet/persistence';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** `?limit=&cursor=` of every admin list endpoint (newest first). Extend it to add filters. */
export class PaginationQuery {
  @ApiPropertyOptional({
    description: `Items per page, 1…${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`,
    example: 50,
    minimum: 1,
    maximum: MAX_PAGE_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page; omit for the first page',
    example: '665f1c2e8b3d4a0012345678',
  })
  @IsOptional()
  @IsString()
  cursor?: string;
}
