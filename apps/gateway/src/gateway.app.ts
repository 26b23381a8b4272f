import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type RicochetConfig, RicochetConfigModule } from '@ricochet/config';
import { type AppName, ObservabilityModule, PinoLoggerService } from '@ricochet/observability';
import { MongoModule } from '@ricochet/persistence';
import { QueueModule } from '@ricochet/queue';
import { GatewayModule } from './gateway.module';
import { ErrorFilter } from './http/error.filter';
import { ADMIN_BODY_LIMIT_BYTES, registerRequestLimits } from './http/request-limits';
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
  });
  const appName = options.app ?? 'gateway';
  const logger = options.logger ?? new PinoLoggerService(config.logLevel, appName);
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayRootModule.register(config, appName, [GatewayModule, ...(options.extraModules ?? [])]),
    adapter,
    { logger, abortOnError: false, rawBody: true },
  );
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(adminValidationPipe());
  registerRequestLimits(app.getHttpAdapter().getInstance());
  setupSwagger(app);
  return app;
}
