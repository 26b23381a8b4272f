export * from './observability.module';
export * from './metrics';
export { METRICS_REGISTRY } from './metrics.controller';
export * from './logger';
export * from './shutdown';
export { MetricsPortServer, MetricsServer } from './metrics-server';
