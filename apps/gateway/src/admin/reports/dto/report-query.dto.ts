import { ApiProperty } from '@nestjs/swagger';
import { REPORT_GROUPS, type ReportGroupBy } from '@ricochet/persistence';
import { IsIn } from 'class-validator';
import { TimeRange } from '../../common/time-range-query.dto';

/** `GET /api/reports`: one row per group over [from, to) (each collection's `createdAt`, UTC days). */
export class ReportQuery extends TimeRange {
  @ApiProperty({
    enum: REPORT_GROUPS,
    description: 'Row key: UTC day, offer id, source id or event',
    example: 'day',
  })
  @IsIn(REPORT_GROUPS)
  groupBy!: ReportGroupBy;
}
