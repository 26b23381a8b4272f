import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REPORT_GROUPS, type ReportGroupBy } from '@ricochet/persistence';

export class ReportRowResponse {
  @ApiProperty({ description: 'UTC day (YYYY-MM-DD), offer id, source id or event', example: '2026-11-24' })
  key!: string;

  @ApiProperty({
    description: 'Clicks in the group; grouped by event, every event row shows all clicks of the range',
    example: 400,
  })
  clicks!: number;

  @ApiProperty({ description: 'Conversions created, any status', example: 12 })
  conversions!: number;

  @ApiProperty({ description: 'Of which approved now', example: 10 })
  approved!: number;

  @ApiProperty({ description: 'Revenue of approved conversions (decimal string)', example: '125.00' })
  revenue!: string;

  @ApiProperty({
    description: 'Payout to sources of approved conversions (decimal string)',
    example: '100.00',
  })
  payout!: string;

  @ApiProperty({ description: 'revenue − payout (decimal string)', example: '25.00' })
  profit!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Conversion rate conversions / clicks, 4 decimals; null without clicks',
    example: '0.0300',
  })
  cr!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Earnings per click revenue / clicks (decimal string, to the micro); null without clicks',
    example: '0.3125',
  })
  epc!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'delivered / (delivered + dead) of deliveries created in the range, 4 decimals; null when none has ' +
      'finished (pending and retrying deliveries do not count yet)',
    example: '0.9500',
  })
  deliverySuccessRate!: string | null;
}

export class ReportResponse {
  @ApiProperty({ enum: REPORT_GROUPS, description: 'How rows are keyed', example: 'day' })
  groupBy!: ReportGroupBy;

  @ApiPropertyOptional({ description: 'Range start, as asked', example: '2026-11-01T00:00:00.000Z' })
  from?: Date;

  @ApiPropertyOptional({
    description: 'Range end (exclusive), as asked',
    example: '2026-12-01T00:00:00.000Z',
  })
  to?: Date;

  @ApiProperty({ type: [ReportRowResponse], description: 'One row per key, sorted by key' })
  rows!: ReportRowResponse[];
}
