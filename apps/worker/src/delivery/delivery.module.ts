import { Module } from '@nestjs/common';
import { DeliveryAttemptRunner } from './delivery-attempt.runner';
import { DeliveryContextLoader, DeliveryRequestBuilder, HttpSender } from '@ricochet/forwarding';
import { DeliveryRetryProcessor } from './delivery-retry.processor';
import { DeliveryMetrics } from './delivery.metrics';
import { DeliveryProcessor } from './delivery.processor';
import { DeliveryService } from './delivery.service';
import { EndpointThrottle } from './endpoint-throttle.service';

/**
 * Delivery processors, HTTP sender, circuit breaker and rate limit. The attempt runner and the context
 * loader are exported for the attribution job, which makes first attempts itself.
 */
@Module({
  providers: [
    HttpSender,
    EndpointThrottle,
    DeliveryRequestBuilder,
    DeliveryMetrics,
    DeliveryAttemptRunner,
    DeliveryContextLoader,
    DeliveryService,
    DeliveryProcessor,
    DeliveryRetryProcessor,
  ],
  exports: [DeliveryAttemptRunner, DeliveryContextLoader, DeliveryService],
})
export class DeliveryModule {}
