import { Module } from '@nestjs/common';

/** Delivery processors, HTTP sender, circuit breaker and rate limit. */
@Module({})
export class DeliveryModule {}
