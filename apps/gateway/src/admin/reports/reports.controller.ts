import { Controller, Get, Header, Headers, Query, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, getSchemaPath } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { AdminController } from '../../http/admin-route.decorator';
import { ApiErrorResponse } from '../../http/error-response';
import { ReportQuery } from './dto/report-query.dto';
import { ReportResponse } from './dto/report-response.dto';
import { CSV_CONTENT_TYPE, wantsCsv } from './report-csv';
import { ReportsService } from './reports.service';

const CSV_EXAMPLE =
  'key,name,currency,clicks,conversions,approved,revenue,payout,profit,cr,epc,deliverySuccessRate\r\n' +
  '2026-03-29,,EUR,3,1,1,10.00,8.00,2.00,0.3333,3.333333,1.0000\r\n' +
  '2026-03-29,,USD,3,1,1,20.00,15.00,5.00,0.3333,6.666667,1.0000\r\n';

@AdminController('Reports')
@Controller('api/reports')
@ApiExtraModels(ReportResponse)
export class ReportsController {
  constructor(private readonly service: ReportsService) {}

  @Get()
  @Header('Vary', 'Accept')
  @ApiOperation({
    summary:
      'Clicks, conversions, money, CR, EPC and delivery success per day, hour, offer, source, advertiser or event',
    description:
      'One row per group key and currency: money is never added across currencies. Days and hours ' +
      'are local to `tz`, daylight-saving changes included. Grouped by event, rows carry no clicks ' +
      '(clicks have no event) and their `cr`/`epc` divide by all clicks of the range (`totals.clicks`). ' +
      'CSV (`format=csv` or `Accept: text/csv`) has the same columns and streams as it is computed.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description:
      'JSON, or with `format=csv` / `Accept: text/csv` a `text/csv; charset=utf-8` download ' +
      '(`Content-Disposition: attachment; filename="ricochet-report-<from>-<to>.csv"`, bounds as ' +
      '`20260328T230000Z` or `open`): a header row, then the rows, RFC 4180 quoting, CRLF line ends, ' +
      'null as an empty field.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ReportResponse) } },
      'text/csv': { schema: { type: 'string' }, example: CSV_EXAMPLE },
    },
  })
  @ApiErrorResponse(400, 'A parameter is missing or invalid; `param` names it', {
    message:
      'tz must be an IANA time zone name such as Europe/Berlin, America/New_York or UTC, got "Mars/Olympus"',
    param: 'tz',
    details: [
      'tz must be an IANA time zone name such as Europe/Berlin, America/New_York or UTC, got "Mars/Olympus"',
    ],
  })
  async report(
    @Query() query: ReportQuery,
    @Headers('accept') accept: string | undefined,
  ): Promise<ReportResponse | StreamableFile> {
    if (!wantsCsv(query.format, accept)) return this.service.report(query);
    const csv = await this.service.csv(query);
    return new StreamableFile(Readable.from(csv.lines), {
      type: CSV_CONTENT_TYPE,
      disposition: `attachment; filename="${csv.fileName}"`,
    });
  }
}
