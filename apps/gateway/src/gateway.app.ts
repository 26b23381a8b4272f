import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type RicochetConfig, RicochetConfigModule } from '@ricochet/config';
import {
  type AppName,
  MetricsPortServer,
  ObservabilityModule,
  PinoLoggerService,
} from '@ricochet/observability';
import { MongoModule } from '@ricochet/persistence';
import { QueueModule } from '@ricochet/queue';
import { GatewayModule } from './gateway.module';
import { AdminKeys } from './http/api-key.guard';
import { registerBodyParsers } from './http/body-parsers';
import { ErrorFilter } from './http/error.filter';
import { registerMetricsAccess } from './http/metrics-access';
import { ADMIN_BODY_LIMIT_BYTES, registerRequestLimits } from './http/request-limits';
import { serverTimeouts } from './http/server-timeouts';
import { setupSwagger } from './http/swagger';
import { adminValidationPipe } from './http/validation';

@Module({})
class GatewayRootModule {
  static register(config: RicochetConfig, app: AppName, features: DynamicModule['imports']): DynamicModule {
    return {
      module: GatewayRootModule,
      imports: [
        RicochetConfigModule.forRoot({ config }),
        MongoModule.forRoot(),
        QueueModule.forRoot(),
        ObservabilityModule.forRoot(app),
        ...(features ?? []),
      ],
      // /metrics is closed on the public port; METRICS_PORT serves it on a port of its own.
      providers: [MetricsPortServer],
    };
  }
}

export interface GatewayAppOptions {
  /** Extra feature modules (the one-process mode adds the worker's). */
  extraModules?: DynamicModule['imports'];
  /** Names the process in logs and metrics. */
  app?: AppName;
  /** Defaults to JSON logs at the configured level. */
  logger?: PinoLoggerService | false;
}

/** Builds the gateway (not yet listening): used by main.ts, the one-process mode and the e2e tests. */
export async function createGatewayApp(
  config: RicochetConfig,
  options: GatewayAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: ADMIN_BODY_LIMIT_BYTES,
    trustProxy: config.gateway.trustProxy,
    return503OnClosing: true,
    // Postback tokens travel in the path; the default 100 would turn a long custom token into a 404.
    routerOptions: { maxParamLength: 256 },
    ...serverTimeouts(config.gateway),
  });
  const appName = options.app ?? 'gateway';
  const logger = options.logger ?? new PinoLoggerService(config.logLevel, appName);
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayRootModule.register(config, appName, [GatewayModule, ...(options.extraModules ?? [])]),
    adapter,
    // The gateway registers its own bounded parsers (they also keep the raw body for signatures).
    { logger, abortOnError: false, bodyParser: false },
  );
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(adminValidationPipe());
  const instance = app.getHttpAdapter().getInstance();
  registerRequestLimits(instance, new AdminKeys(config.admin.apiKeys));
  registerMetricsAccess(instance, config.metrics.token);
  registerBodyParsers(instance);
  setupSwagger(app);
  return app;
}
