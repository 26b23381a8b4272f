import { ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATES, type DeliveryState } from '@ricochet/domain/model';
import { IsIn, IsMongoId, IsOptional } from 'class-validator';
import { TimeRangeQuery } from '../../common/time-range-query.dto';

/**
 * `GET /api/deliveries` filters (also the selection of a bulk replay); time range on `createdAt`.
 * Every filter is optional and starts empty in Swagger UI: ids are described, never given as examples.
 */
export class DeliveryListQuery extends TimeRangeQuery {
  @ApiPropertyOptional({
    enum: DELIVERY_STATES,
    description: 'Only this state; `dead` = gave up (replay them), `failed` = will retry',
  })
  @IsOptional()
  @IsIn(DELIVERY_STATES)
  state?: DeliveryState;

  @ApiPropertyOptional({ description: 'Only this endpoint (24-character hex id, from GET /api/sources)' })
  @IsOptional()
  @IsMongoId()
  endpointId?: string;

  @ApiPropertyOptional({ description: 'Only this source (24-character hex id)' })
  @IsOptional()
  @IsMongoId()
  sourceId?: string;

  @ApiPropertyOptional({ description: 'Only this conversion (24-character hex id)' })
  @IsOptional()
  @IsMongoId()
  conversionId?: string;
}
