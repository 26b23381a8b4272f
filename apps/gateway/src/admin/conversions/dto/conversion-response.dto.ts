import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONVERSION_STATUSES, type ConversionStatus } from '@ricochet/domain/model';
import { HISTORY_ACTORS, type HistoryActor } from '@ricochet/persistence';
import { PageOf } from '../../common/page.dto';

export class ConversionHistoryResponse {
  @ApiProperty({ enum: CONVERSION_STATUSES, description: 'Status entered', example: 'approved' })
  status!: ConversionStatus;

  @ApiProperty({ description: 'When', example: '2026-11-24T06:50:00.000Z' })
  at!: Date;

  @ApiProperty({ enum: HISTORY_ACTORS, description: 'What made the change', example: 'postback' })
  by!: HistoryActor;

  @ApiPropertyOptional({ description: 'The postback that made it', example: '665f1c2e8b3d4a0012345678' })
  postbackId?: string;

  @ApiPropertyOptional({ description: 'Admin note', example: 'chargeback #4411' })
  note?: string;
}

export class ConversionResponse {
  @ApiProperty({ description: 'Conversion id', example: '665f1c2e8b3d4a001234567a' })
  id!: string;

  @ApiProperty({ description: 'Click it is attributed to', example: 'c_8Jx2mQ4vT7' })
  clickId!: string;

  @ApiProperty({ description: 'Offer', example: '665f1c2e8b3d4a0012345679' })
  offerId!: string;

  @ApiProperty({ description: 'Traffic source', example: '665f1c2e8b3d4a001234567b' })
  sourceId!: string;

  @ApiProperty({ description: 'Advertiser', example: '665f1c2e8b3d4a001234567c' })
  advertiserId!: string;

  @ApiProperty({ description: 'Event', example: 'conversion' })
  event!: string;

  @ApiPropertyOptional({ description: 'Advertiser transaction id', example: 'order-1001' })
  txid?: string;

  @ApiProperty({ enum: CONVERSION_STATUSES, description: 'Current status', example: 'approved' })
  status!: ConversionStatus;

  @ApiProperty({ description: 'Revenue (decimal string)', example: '12.50' })
  revenue!: string;

  @ApiProperty({ description: "Source's payout (decimal string)", example: '10.00' })
  payout!: string;

  @ApiProperty({ description: 'ISO 4217 currency', example: 'USD' })
  currency!: string;

  @ApiProperty({ type: [ConversionHistoryResponse], description: 'Every status entered, oldest first' })
  history!: ConversionHistoryResponse[];

  @ApiProperty({ description: 'Created', example: '2026-11-24T06:50:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ description: 'Last changed', example: '2026-11-24T06:55:00.000Z' })
  updatedAt!: Date;
}

export class ConversionPage extends PageOf(ConversionResponse) {}
