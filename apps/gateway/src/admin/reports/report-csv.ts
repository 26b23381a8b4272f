import type { ReportRowResponse } from './dto/report-response.dto';

/** CSV columns, in order: the JSON row fields under the same names. */
export const CSV_COLUMNS = [
  'key',
  'name',
  'currency',
  'clicks',
  'conversions',
  'approved',
  'revenue',
  'payout',
  'profit',
  'cr',
  'epc',
  'deliverySuccessRate',
] as const satisfies ReadonlyArray<keyof ReportRowResponse>;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/**
 * One RFC 4180 field: quoted when it holds a comma, a double quote, CR or LF (quotes doubled), verbatim
 * otherwise; null is the empty field.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 has it. */
export function csvRecord(values: ReadonlyArray<string | number | null>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function csvHeader(): string {
  return csvRecord(CSV_COLUMNS);
}

export function csvRow(row: ReportRowResponse): string {
  return csvRecord(CSV_COLUMNS.map((column) => row[column]));
}

/** A range bound in a file name: ISO 8601 basic format in UTC (`20260328T230000Z`), `open` without one. */
function fileStamp(bound: Date | undefined): string {
  if (!bound) return 'open';
  return bound
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** `ricochet-report-<from>-<to>.csv`: safe on every file system (no colons). */
export function csvFileName(from: Date | undefined, to: Date | undefined): string {
  return `ricochet-report-${fileStamp(from)}-${fileStamp(to)}.csv`;
}

/**
 * Whether the client asked for CSV: `format` decides when given; otherwise `Accept` does, when it
 * rates `text/csv` above `application/json` (`*\/*`, no header or JSON first keep JSON).
 */
export function wantsCsv(format: 'json' | 'csv' | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  if (!accept) return false;
  let csv = 0;
  let json = 0;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.trim().toLowerCase().split(';');
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    const mediaType = type.trim();
    if (mediaType === 'text/csv') csv = Math.max(csv, q);
    if (mediaType === 'application/json') json = Math.max(json, q);
  }
  return csv > 0 && csv > json;
}
