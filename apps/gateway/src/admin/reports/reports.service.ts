import { Injectable } from '@nestjs/common';
import { type ReportRange, ReportRepository, type ReportSliceBy } from '@ricochet/persistence';
import { DEFAULT_REPORT_TZ, type ReportGroupBy, type ReportQuery } from './dto/report-query.dto';
import type { ReportResponse, ReportRowResponse } from './dto/report-response.dto';
import { csvFileName, csvHeader, csvRow } from './report-csv';
import { foldGroups, type GroupTotals, toReportRows } from './report-row.mapper';
import { parseRangeBound, resolveTimeZone, SlotLabeller } from './report-time';

/** A report about to be read: its parameters as resolved, and its groups in key order. */
interface OpenReport {
  groupBy: ReportGroupBy;
  tz: string;
  range: ReportRange;
  /** Grouped by event: every click of the range, the base of each row's `cr` and `epc`. */
  rangeClicks?: number;
  groups: AsyncIterable<GroupTotals>;
}

export interface CsvReport {
  fileName: string;
  /** Header, then one CRLF-terminated record per row, produced while MongoDB's cursor is read. */
  lines: AsyncIterableIterator<string>;
}

/**
 * `GET /api/reports`: MongoDB groups clicks, conversions (per currency) and deliveries into UTC
 * quarter-hour slices or entity/event keys, in one cursor sorted by key; slices are folded here into
 * local days and hours of `tz` and rendered as rows while the cursor is read.
 */
@Injectable()
export class ReportsService {
  constructor(private readonly reports: ReportRepository) {}

  async report(query: ReportQuery): Promise<ReportResponse> {
    const report = await this.open(query);
    const rows: ReportRowResponse[] = [];
    let clicks = 0;
    for await (const group of report.groups) {
      clicks += group.clicks ?? 0;
      rows.push(...toReportRows(group, group.clicks ?? report.rangeClicks ?? 0));
    }
    return {
      groupBy: report.groupBy,
      tz: report.tz,
      ...(report.range.from ? { from: report.range.from } : {}),
      ...(report.range.to ? { to: report.range.to } : {}),
      totals: { clicks: report.rangeClicks ?? clicks },
      rows,
    };
  }

  /**
   * The report as CSV lines. The first group is read before this resolves, so a failing store is still
   * an ordinary error answer rather than a cut-off download.
   */
  async csv(query: ReportQuery): Promise<CsvReport> {
    const report = await this.open(query);
    const groups = report.groups[Symbol.asyncIterator]();
    const first = await groups.next();
    const base = (group: GroupTotals): number => group.clicks ?? report.rangeClicks ?? 0;
    async function* lines(): AsyncGenerator<string> {
      yield csvHeader();
      for (let next = first; !next.done; next = await groups.next()) {
        for (const row of toReportRows(next.value, base(next.value))) yield csvRow(row);
      }
    }
    const body = lines();
    return {
      fileName: csvFileName(report.range.from, report.range.to),
      lines: {
        [Symbol.asyncIterator]() {
          return this;
        },
        next: () => body.next(),
        // A download abandoned before or while it is read closes the MongoDB cursor at once.
        return: async () => {
          await groups.return?.();
          return body.return(undefined);
        },
      },
    };
  }

  private async open(query: ReportQuery): Promise<OpenReport> {
    // The DTO validated tz, from and to; these fall back only for a caller that skipped validation.
    const tz = resolveTimeZone(query.tz ?? DEFAULT_REPORT_TZ) ?? DEFAULT_REPORT_TZ;
    const range: ReportRange = {
      ...(query.from ? { from: parseRangeBound(query.from, tz) } : {}),
      ...(query.to ? { to: parseRangeBound(query.to, tz) } : {}),
    };
    const groupBy = query.groupBy;
    if (groupBy === 'day' || groupBy === 'hour') {
      const labeller = new SlotLabeller(tz, groupBy);
      return {
        groupBy,
        tz,
        range,
        groups: foldGroups(this.reports.slices('slot', range), (s) => labeller.label(Number(s.key)), true),
      };
    }
    const by: ReportSliceBy = groupBy;
    const rangeClicks = by === 'event' ? await this.reports.clickCount(range) : undefined;
    return {
      groupBy,
      tz,
      range,
      ...(rangeClicks === undefined ? {} : { rangeClicks }),
      groups: foldGroups(this.reports.slices(by, range), (s) => String(s.key), by !== 'event'),
    };
  }
}
