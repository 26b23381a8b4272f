import { ApiPropertyOptional } from '@nestjs/swagger';
import { POSTBACK_OUTCOMES, type PostbackOutcome } from '@ricochet/domain/model';
import { IsIn, IsMongoId, IsOptional, IsString, MaxLength } from 'class-validator';
import { TimeRangeQuery } from '../../common/time-range-query.dto';

/** `GET /api/postbacks` filters; time range on `receivedAt`, half-open [from, to). All optional. */
export class PostbackListQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ description: 'Only this advertiser (24-character hex id)' })
  @IsOptional()
  @IsMongoId()
  advertiserId?: string;

  @ApiPropertyOptional({ enum: POSTBACK_OUTCOMES, description: 'Only this outcome' })
  @IsOptional()
  @IsIn(POSTBACK_OUTCOMES)
  outcome?: PostbackOutcome;

  @ApiPropertyOptional({ description: 'Only postbacks for this click id (as the advertiser sent it)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  clickId?: string;
}
