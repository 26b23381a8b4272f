import { ApiPropertyOptional } from '@nestjs/swagger';
import { CONVERSION_STATUSES, type ConversionStatus } from '@ricochet/domain/model';
import { IsIn, IsMongoId, IsOptional, IsString, MaxLength } from 'class-validator';
import { TimeRangeQuery } from '../../common/time-range-query.dto';

/** `GET /api/conversions` filters; time range on `createdAt`, half-open [from, to). */
export class ConversionListQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ enum: CONVERSION_STATUSES, description: 'Only this status', example: 'approved' })
  @IsOptional()
  @IsIn(CONVERSION_STATUSES)
  status?: ConversionStatus;

  @ApiPropertyOptional({ description: 'Only this advertiser', example: '665f1c2e8b3d4a0012345678' })
  @IsOptional()
  @IsMongoId()
  advertiserId?: string;

  @ApiPropertyOptional({ description: 'Only this offer', example: '665f1c2e8b3d4a0012345679' })
  @IsOptional()
  @IsMongoId()
  offerId?: string;

  @ApiPropertyOptional({ description: 'Only this source', example: '665f1c2e8b3d4a001234567a' })
  @IsOptional()
  @IsMongoId()
  sourceId?: string;

  @ApiPropertyOptional({ description: 'Only this event', example: 'ftd' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  event?: string;
}
