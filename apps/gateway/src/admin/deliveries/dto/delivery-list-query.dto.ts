import { ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATES, type DeliveryState } from '@ricochet/domain/model';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsMongoId, IsOptional } from 'class-validator';
import { PaginationQuery } from '../../common/pagination.dto';

/** `GET /api/deliveries` filters (also the selection of a bulk replay); time range on `createdAt`. */
export class DeliveryListQuery extends PaginationQuery {
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

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)', example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601)', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}
