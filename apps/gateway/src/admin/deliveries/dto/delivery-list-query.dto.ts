import { ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATES, type DeliveryState } from '@ricochet/domain/model';
import { IsIn, IsMongoId, IsOptional } from 'class-validator';
import { TimeRangeQuery } from '../../common/time-range-query.dto';

/** `GET /api/deliveries` filters (also the selection of a bulk replay); time range on `createdAt`. */
export class DeliveryListQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATES, description: 'Only this state', example: 'dead' })
  @IsOptional()
  @IsIn(DELIVERY_STATES)
  state?: DeliveryState;

  @ApiPropertyOptional({ description: 'Only this endpoint', example: '665f1c2e8b3d4a0012345678' })
  @IsOptional()
  @IsMongoId()
  endpointId?: string;

  @ApiPropertyOptional({ description: 'Only this source', example: '665f1c2e8b3d4a0012345679' })
  @IsOptional()
  @IsMongoId()
  sourceId?: string;

  @ApiPropertyOptional({ description: 'Only this conversion', example: '665f1c2e8b3d4a001234567a' })
  @IsOptional()
  @IsMongoId()
  conversionId?: string;
}
