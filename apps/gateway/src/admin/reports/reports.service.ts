import { Injectable } from '@nestjs/common';
import { ALL_KEY, ReportRepository } from '@ricochet/persistence';
import type { ReportQuery } from './dto/report-query.dto';
import type { ReportResponse } from './dto/report-response.dto';
import { toReportRows } from './report-row.mapper';

/** `GET /api/reports`: three aggregations in MongoDB, merged and rendered here. */
@Injectable()
export class ReportsService {
  constructor(private readonly reports: ReportRepository) {}

  async report(query: ReportQuery): Promise<ReportResponse> {
    const range = { from: query.from, to: query.to };
    const byEvent = query.groupBy === 'event';
    const [clicks, conversions, deliveries] = await Promise.all([
      this.reports.clickTotals(query.groupBy === 'event' ? 'all' : query.groupBy, range),
      this.reports.conversionTotals(query.groupBy, range),
      this.reports.deliveryTotals(query.groupBy, range),
    ]);
    const clicksForEveryRow = byEvent ? (clicks.find((row) => row.key === ALL_KEY)?.clicks ?? 0) : undefined;
    return {
      groupBy: query.groupBy,
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      rows: toReportRows({ clicks, conversions, deliveries, clicksForEveryRow }),
    };
  }
}
