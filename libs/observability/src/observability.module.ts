import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CollectorErrors } from './collector-errors';
import { DeliveryBacklogMetrics } from './delivery-backlog.metrics';
import { DependencyMetrics, RedisErrorMetrics } from './dependency.metrics';
import { EndpointBreakerMetrics } from './endpoint-breaker.metrics';
import { HealthController } from './health.controller';
import { type AppName, createMetricsRegistry } from './metrics';
import { METRICS_REGISTRY, MetricsController } from './metrics.controller';
import { MongoCommandMetrics } from './mongo-command.metrics';
import { MongoHealthIndicator } from './mongo-health.indicator';
import { PipelineMetrics } from './pipeline.metrics';
import { QueueMetrics } from './queue.metrics';
import { RedisHealthIndicator } from './redis-health.indicator';
import { RequestDurationMetrics } from './request-duration.metrics';

/**
 * `/health/live`, `/health/ready` and `/metrics` for whichever process serves HTTP, and the metrics
 * every process shares: MongoDB and Redis health, queue depth and age, dead deliveries, circuit
 * breakers (computed on scrape, cached, bounded in time), intake latency, and the pipeline counters
 * ({@link PipelineMetrics}) the worker records.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(app: AppName): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(app) },
        RedisHealthIndicator,
        MongoHealthIndicator,
        MongoCommandMetrics,
        CollectorErrors,
        QueueMetrics,
        DeliveryBacklogMetrics,
        EndpointBreakerMetrics,
        DependencyMetrics,
        RedisErrorMetrics,
        RequestDurationMetrics,
        PipelineMetrics,
      ],
      exports: [METRICS_REGISTRY, PipelineMetrics],
    };
  }
}
