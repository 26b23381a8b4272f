import { Module } from '@nestjs/common';
import { AdvertiserRulesCache } from './advertiser-rules.cache';
import { AttributionDispatch } from './attribution-dispatch.service';
import { PostbackIntakeController } from './postback-intake.controller';
import { PostbackIntakeMetrics } from './postback-intake.metrics';
import { PostbackIntakeService } from './postback-intake.service';

/** GET|POST /postback intake. */
@Module({
  controllers: [PostbackIntakeController],
  providers: [PostbackIntakeService, PostbackIntakeMetrics, AdvertiserRulesCache, AttributionDispatch],
  exports: [AttributionDispatch],
})
export class PostbacksModule {}
