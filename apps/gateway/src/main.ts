import { loadConfigFromEnvironment } from '@ricochet/config';
import { enableGracefulShutdown, PinoLoggerService } from '@ricochet/observability';
import { createGatewayApp } from './gateway.app';

async function main(): Promise<void> {
  const config = loadConfigFromEnvironment();
  const logger = new PinoLoggerService(config.logLevel, 'gateway');
  const app = await createGatewayApp(config, { logger });
  enableGracefulShutdown(app, config.shutdownTimeoutMs, logger);
  await app.listen(config.gateway.port, config.gateway.host);
  logger.log(`gateway listening on http://${config.gateway.host}:${config.gateway.port}`, 'Bootstrap');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
