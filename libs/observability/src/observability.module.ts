import { MongoCommandMetrics } from './mongo-command.metrics';
import { MongoHealthIndicator } from './mongo-health.indicator';
import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { type AppName, createMetricsRegistry } from './metrics';
import { METRICS_REGISTRY, MetricsController } from './metrics.controller';
import { RedisHealthIndicator } from './redis-health.indicator';

/** `/health/live`, `/health/ready` and `/metrics` for whichever process serves HTTP. */
@Module({})
export class ObservabilityModule {
  static forRoot(app: AppName): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        RedisHealthIndicator,
        MongoHealthIndicator,
        MongoCommandMetrics,
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(app) },
      ],
      exports: [METRICS_REGISTRY],
    };
  }
}
