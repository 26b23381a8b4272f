import { Module } from '@nestjs/common';
import { BackfillModule } from '../backfill/backfill.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { BulkReplayRunner } from '../replay/bulk-replay.runner';
import { AttributionProcessor } from './attribution.processor';
import { AttributionService } from './attribution.service';
import { DeliveryPlanner } from './delivery.planner';
import { InlineDeliveryPolicy } from './inline-delivery.policy';

/** Attribution processor and delivery planner (which makes first attempts with the delivery module's runner). */
@Module({
  imports: [DeliveryModule, BackfillModule],
  providers: [
    AttributionProcessor,
    AttributionService,
    DeliveryPlanner,
    InlineDeliveryPolicy,
    BulkReplayRunner,
  ],
})
export class AttributionModule {}
