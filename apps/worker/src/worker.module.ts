import { Module } from '@nestjs/common';
import { AlertsModule } from './alerts/alerts.module';
import { AttributionModule } from './attribution/attribution.module';
import { DeliveryModule } from './delivery/delivery.module';
import { SweeperModule } from './sweeper/sweeper.module';

/**
 * The worker's queue consumers and the sweeper. It serves no admin routes; its own HTTP port only
 * answers health and metrics (see {@link createWorkerApp}).
 */
@Module({
  imports: [AlertsModule, AttributionModule, DeliveryModule, SweeperModule],
})
export class WorkerModule {}
