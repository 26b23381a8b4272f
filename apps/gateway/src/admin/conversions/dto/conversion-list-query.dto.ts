import { ApiPropertyOptional } from '@nestjs/swagger';
import { CONVERSION_STATUSES, type ConversionStatus } from '@ricochet/domain/model';
import { IsIn, IsMongoId, IsOptional, IsString, MaxLength } from 'class-validator';
import { TimeRangeQuery } from '../../common/time-range-query.dto';

/** `GET /api/conversions` filters; time range on `createdAt`, half-open [from, to). All optional. */
export class ConversionListQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ enum: CONVERSION_STATUSES, description: 'Only this status' })
  @IsOptional()
  @IsIn(CONVERSION_STATUSES)
  status?: ConversionStatus;

  @ApiPropertyOptional({ description: 'Only this advertiser (24-character hex id)' })
  @IsOptional()
  @IsMongoId()
  advertiserId?: string;

  @ApiPropertyOptional({ description: 'Only this offer (24-character hex id)' })
  @IsOptional()
  @IsMongoId()
  offerId?: string;

  @ApiPropertyOptional({ description: 'Only this source (24-character hex id)' })
  @IsOptional()
  @IsMongoId()
  sourceId?: string;

  @ApiPropertyOptional({ description: 'Only this event, e.g. `conversion` or `ftd`' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  event?: string;
}
