import { Module } from '@nestjs/common';
import { AdminConfigModule } from './admin/admin-config.module';
import { AdminOpsModule } from './admin/admin-ops.module';
import { ClicksModule } from './clicks/clicks.module';
import { PostbacksModule } from './postbacks/postbacks.module';
import { QueueDashboardModule } from './queues/queue-dashboard.module';
import { StoreModule } from './store/store.module';

/**
 * The gateway's HTTP features (clicks, postback intake, admin API). Infrastructure (config, MongoDB,
 * BullMQ connection, health) is composed around it by {@link createGatewayApp}, so the one-process
 * mode can put the gateway and the worker on the same infrastructure.
 */
@Module({
  imports: [
    StoreModule,
    ClicksModule,
    PostbacksModule,
    AdminConfigModule,
    AdminOpsModule,
    QueueDashboardModule,
  ],
})
export class GatewayModule {}
