import { ApiProperty } from '@nestjs/swagger';

export const TRACE_KINDS = [
  'click',
  'postback',
  'conversion',
  'status-change',
  'delivery',
  'attempt',
] as const;
/** One step of a click's story; also the tie-break order of steps with the same time. */
export type TraceKind = (typeof TRACE_KINDS)[number];

export class TraceEntryResponse {
  @ApiProperty({ description: 'When it happened', example: '2026-11-24T06:50:00.000Z' })
  at!: Date;

  @ApiProperty({ enum: TRACE_KINDS, description: 'What happened', example: 'postback' })
  kind!: TraceKind;

  @ApiProperty({
    description: 'Id of the record (the click id for the click)',
    example: '665f1c2e8b3d4a0012345678',
  })
  id!: string;

  @ApiProperty({
    description: 'One line for humans',
    example: 'postback attributed (approved, payout 12.50 USD)',
  })
  summary!: string;

  @ApiProperty({
    description:
      'The record as the matching read endpoint returns it (click, postback, conversion, delivery, attempt); ' +
      'for a status change, the history entry',
    type: 'object',
    additionalProperties: true,
    example: { outcome: 'attributed', conversionId: '665f1c2e8b3d4a001234567a' },
  })
  data!: object;
}

export class ClickTraceResponse {
  @ApiProperty({ description: 'Click id traced', example: 'c_8Jx2mQ4vT7' })
  clickId!: string;

  @ApiProperty({
    type: [TraceEntryResponse],
    description: 'Click → postbacks → conversions (and status changes) → deliveries → attempts, by time',
  })
  entries!: TraceEntryResponse[];
}
