import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { ReportQuery } from './dto/report-query.dto';
import { ReportResponse } from './dto/report-response.dto';
import { ReportsService } from './reports.service';

@AdminController('reports')
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly service: ReportsService) {}

  @Get()
  @ApiOperation({
    summary: 'Clicks, conversions, revenue, payout, profit, CR, EPC and delivery success rate per group',
  })
  @ApiOkResponse({ type: ReportResponse })
  report(@Query() query: ReportQuery): Promise<ReportResponse> {
    return this.service.report(query);
  }
}
