import { Module } from '@nestjs/common';
import { AttributionProcessor } from './attribution.processor';
import { AttributionService } from './attribution.service';
import { DeliveryPlanner } from './delivery.planner';

/** Attribution processor and delivery planner. */
@Module({
  providers: [AttributionProcessor, AttributionService, DeliveryPlanner],
})
export class AttributionModule {}
