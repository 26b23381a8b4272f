import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REPORT_GROUP_BY, type ReportGroupBy } from './report-query.dto';

/**
 * One row: one group key and one currency. Response field examples are documentation only (Swagger UI
 * never sends them).
 */
export class ReportRowResponse {
  @ApiProperty({
    description:
      'The group: local day (`YYYY-MM-DD`) or local hour with its UTC offset ' +
      '(`YYYY-MM-DDTHH:00:00±hh:mm`) in `tz`, an offer, source or advertiser id, or an event',
    example: '2026-03-29',
  })
  key!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The offer's, source's or advertiser's name; null for days, hours, events and deleted entities",
    example: 'Casino DE – FTD',
  })
  name!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'ISO 4217 currency of the conversions and money of this row; a group with conversions in ' +
      'several currencies has one row per currency. null: the group had no conversion',
    example: 'EUR',
  })
  currency!: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Clicks of the group (clicks have no currency: every currency row of a group shows the same ' +
      'number, so do not add it up across currencies; use `totals.clicks`). null grouped by event: ' +
      'clicks have no event',
    example: 400,
  })
  clicks!: number | null;

  @ApiProperty({ description: 'Conversions created in this currency, any status', example: 12 })
  conversions!: number;

  @ApiProperty({ description: 'Of which approved now', example: 10 })
  approved!: number;

  @ApiProperty({
    description: 'Revenue of approved conversions in `currency` (decimal string)',
    example: '125.00',
  })
  revenue!: string;

  @ApiProperty({
    description: 'Payout to sources of approved conversions in `currency` (decimal string)',
    example: '100.00',
  })
  payout!: string;

  @ApiProperty({ description: 'revenue − payout (decimal string)', example: '25.00' })
  profit!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "conversions / the group's clicks (grouped by event: / `totals.clicks`), 4 decimals; null " +
      'without clicks. The rates of a group’s currency rows add up to its overall rate',
    example: '0.0300',
  })
  cr!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "Earnings per click: revenue / the group's clicks (grouped by event: / `totals.clicks`), in " +
      '`currency`, to the micro; null without clicks',
    example: '0.3125',
  })
  epc!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'delivered / (delivered + dead) of the deliveries created in the group, 4 decimals, for the ' +
      'whole group (repeated on its currency rows); null when none has finished (pending and retrying ' +
      'deliveries do not count yet)',
    example: '0.9500',
  })
  deliverySuccessRate!: string | null;
}

export class ReportTotalsResponse {
  @ApiProperty({
    description: 'Every click created in the range, each counted once; the `cr`/`epc` base of event rows',
    example: 1200,
  })
  clicks!: number;
}

export class ReportResponse {
  @ApiProperty({ enum: REPORT_GROUP_BY, description: 'How rows are keyed', example: 'day' })
  groupBy!: ReportGroupBy;

  @ApiProperty({ description: 'The time zone of day and hour keys', example: 'Europe/Berlin' })
  tz!: string;

  @ApiPropertyOptional({
    description: 'Range start as the instant it was read as (UTC)',
    example: '2026-03-28T23:00:00.000Z',
  })
  from?: Date;

  @ApiPropertyOptional({
    description: 'Range end (exclusive) as the instant it was read as (UTC)',
    example: '2026-03-30T22:00:00.000Z',
  })
  to?: Date;

  @ApiProperty({ type: ReportTotalsResponse, description: 'Range totals that have no currency' })
  totals!: ReportTotalsResponse;

  @ApiProperty({
    type: [ReportRowResponse],
    description: 'Sorted by key (days and hours in time order), then currency',
  })
  rows!: ReportRowResponse[];
}
