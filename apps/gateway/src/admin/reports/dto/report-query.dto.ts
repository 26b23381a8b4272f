import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsOptional,
  IsString,
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { parseRangeBound, RANGE_BOUND_PATTERN, resolveTimeZone } from '../report-time';

/** How rows are keyed: local day or hour (in `tz`), offer, source, advertiser, or conversion event. */
export const REPORT_GROUP_BY = ['day', 'hour', 'offer', 'source', 'advertiser', 'event'] as const;
export type ReportGroupBy = (typeof REPORT_GROUP_BY)[number];

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const DEFAULT_REPORT_TZ = 'UTC';

function zoneOf(object: object): string {
  const tz = (object as { tz?: unknown }).tz;
  return (typeof tz === 'string' ? resolveTimeZone(tz) : undefined) ?? DEFAULT_REPORT_TZ;
}

function IsTimeZoneName(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isTimeZoneName',
      target: target.constructor,
      propertyName: String(property),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && resolveTimeZone(value) !== undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'tz'} must be an IANA time zone name such as Europe/Berlin, ` +
          `America/New_York or UTC, got ${JSON.stringify(args?.value)}`,
      },
    });
}

/** A real calendar date or date-time (read in the query's `tz` when it has no offset). */
function IsRangeBound(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isRangeBound',
      target: target.constructor,
      propertyName: String(property),
      options,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          typeof value === 'string' &&
          RANGE_BOUND_PATTERN.test(value) &&
          parseRangeBound(value, zoneOf(args?.object ?? {})) !== undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'from'} must be a date (2026-03-29) or an ISO 8601 date-time ` +
          `(2026-03-29T00:00:00+01:00), got ${JSON.stringify(args?.value)}`,
      },
    });
}

/** `to` must come after `from` when both are given. */
function IsAfterFrom(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isAfterFrom',
      target: target.constructor,
      propertyName: String(property),
      options,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const query = (args?.object ?? {}) as { from?: unknown };
          if (typeof value !== 'string' || typeof query.from !== 'string') return true;
          const zone = zoneOf(query);
          const from = parseRangeBound(query.from, zone);
          const to = parseRangeBound(value, zone);
          return !from || !to || from.getTime() < to.getTime();
        },
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'to'} must be after from (the range is [from, to)), got ${JSON.stringify(args?.value)}`,
      },
    });
}

const BOUND_FORMS =
  'A date (`2026-03-29`: midnight starting that day in `tz`), a date-time with an offset ' +
  '(`2026-03-29T00:00:00+01:00`, `2026-03-28T23:00:00Z`: that instant), or a date-time without one ' +
  '(`2026-03-29T06:00`: wall-clock time in `tz`).';

/**
 * `GET /api/reports`. Query examples live in the descriptions: Swagger UI pre-fills a parameter's
 * `example` into "Try it out", and a report should start from the caller's own range.
 */
export class ReportQuery {
  @ApiProperty({
    enum: REPORT_GROUP_BY,
    description:
      'Row key. `day`: local calendar day in `tz` (`2026-03-29`); `hour`: local hour in `tz` with its ' +
      'UTC offset (`2026-10-25T02:00:00+02:00`); `offer`, `source`, `advertiser`: the id, with the ' +
      "entity's `name`; `event`: the conversion event (`ftd`).",
  })
  @IsIn(REPORT_GROUP_BY)
  groupBy!: ReportGroupBy;

  @ApiPropertyOptional({
    type: String,
    description: `Range start, inclusive; omit for no lower bound. ${BOUND_FORMS}`,
  })
  @IsOptional()
  @IsString()
  @IsRangeBound()
  from?: string;

  @ApiPropertyOptional({
    type: String,
    description:
      'Range end, exclusive (a report of 2026-03-29 alone is `from=2026-03-29&to=2026-03-30`); omit ' +
      `for no upper bound. ${BOUND_FORMS}`,
  })
  @IsOptional()
  @IsString()
  @IsRangeBound()
  @IsAfterFrom()
  to?: string;

  @ApiPropertyOptional({
    type: String,
    default: DEFAULT_REPORT_TZ,
    description:
      'IANA time zone name, e.g. `Europe/Berlin` or `America/New_York`. Day and hour rows are local ' +
      'days and hours of this zone, daylight-saving changes included (a day can be 23 or 25 hours ' +
      'long), and `from`/`to` without an offset are read in it. Unknown names are refused (400, ' +
      '`param: "tz"`).',
  })
  @IsOptional()
  @IsString()
  @IsTimeZoneName()
  tz?: string;

  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    description:
      '`csv` answers `text/csv` (a download; see the 200 response). Without it, `Accept: text/csv` ' +
      'asks for CSV too; anything else gets JSON.',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}
