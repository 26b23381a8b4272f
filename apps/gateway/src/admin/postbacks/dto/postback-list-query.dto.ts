import { ApiPropertyOptional } from '@nestjs/swagger';
import { POSTBACK_OUTCOMES, type PostbackOutcome } from '@ricochet/domain/model';
import { IsIn, IsMongoId, IsOptional, IsString, MaxLength } from 'class-validator';
import { TimeRangeQuery } from '../../common/time-range-query.dto';

/** `GET /api/postbacks` filters; time range on `receivedAt`, half-open [from, to). */
export class PostbackListQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ description: 'Only this advertiser', example: '665f1c2e8b3d4a0012345678' })
  @IsOptional()
  @IsMongoId()
  advertiserId?: string;

  @ApiPropertyOptional({ enum: POSTBACK_OUTCOMES, description: 'Only this outcome', example: 'unattributed' })
  @IsOptional()
  @IsIn(POSTBACK_OUTCOMES)
  outcome?: PostbackOutcome;

  @ApiPropertyOptional({ description: 'Only postbacks for this click id', example: 'c_8Jx2mQ4vT7' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  clickId?: string;
}
