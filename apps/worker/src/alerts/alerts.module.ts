import { Global, Module } from '@nestjs/common';
import { AlertNotifier } from './alert-notifier';
import { UnattributedMonitor } from './unattributed-monitor';

/** Operator alerts (`ALERT_WEBHOOK_URL`), available to the delivery and attribution code. */
@Global()
@Module({
  providers: [AlertNotifier, UnattributedMonitor],
  exports: [AlertNotifier, UnattributedMonitor],
})
export class AlertsModule {}
