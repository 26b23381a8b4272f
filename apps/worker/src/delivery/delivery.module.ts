import { Module } from '@nestjs/common';
import { DeliveryRequestBuilder } from './delivery-request.builder';
import { DeliveryRetryProcessor } from './delivery-retry.processor';
import { DeliveryMetrics } from './delivery.metrics';
import { DeliveryProcessor } from './delivery.processor';
import { DeliveryService } from './delivery.service';
import { EndpointThrottle } from './endpoint-throttle.service';
import { HttpSender } from './http-sender';

/** Delivery processors, HTTP sender, circuit breaker and rate limit. */
@Module({
  providers: [
    HttpSender,
    EndpointThrottle,
    DeliveryRequestBuilder,
    DeliveryMetrics,
    DeliveryService,
    DeliveryProcessor,
    DeliveryRetryProcessor,
  ],
})
export class DeliveryModule {}
