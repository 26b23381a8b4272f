import { Module } from '@nestjs/common';
import { BackfillModule } from './backfill/backfill.module';
import { ClicksReadController } from './clicks-read/clicks-read.controller';
import { ClicksReadService } from './clicks-read/clicks-read.service';
import { ConversionsAdminController } from './conversions/conversions-admin.controller';
import { ConversionsAdminService } from './conversions/conversions-admin.service';
import { BulkReplayService } from './deliveries/bulk-replay.service';
import { DeliveriesAdminController } from './deliveries/deliveries-admin.controller';
import { DeliveriesAdminService } from './deliveries/deliveries-admin.service';
import { PostbacksAdminController } from './postbacks/postbacks-admin.controller';
import { PostbacksAdminService } from './postbacks/postbacks-admin.service';
import { ReportsController } from './reports/reports.controller';
import { ReportsService } from './reports/reports.service';
import { TestSendModule } from './test-send/test-send.module';

/**
 * Admin API: reads, traces, replays, manual status changes, reports. Repositories, producers and the
 * config come from the global infrastructure modules.
 */
@Module({
  imports: [BackfillModule, TestSendModule],
  controllers: [
    ClicksReadController,
    PostbacksAdminController,
    ConversionsAdminController,
    DeliveriesAdminController,
    ReportsController,
  ],
  providers: [
    ClicksReadService,
    PostbacksAdminService,
    ConversionsAdminService,
    DeliveriesAdminService,
    BulkReplayService,
    ReportsService,
  ],
})
export class AdminOpsModule {}
