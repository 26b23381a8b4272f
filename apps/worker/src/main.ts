import { loadConfigFromEnvironment } from '@ricochet/config';
import { enableGracefulShutdown, PinoLoggerService } from '@ricochet/observability';
import { createWorkerApp, stopTakingJobs } from './worker.app';

async function main(): Promise<void> {
  const config = loadConfigFromEnvironment();
  const logger = new PinoLoggerService(config.logLevel, 'worker');
  const app = await createWorkerApp(config, { logger });
  enableGracefulShutdown(app, config.shutdownTimeoutMs, logger, { onSignal: () => stopTakingJobs(app) });
  await app.listen(config.worker.port, config.gateway.host);
  logger.log(`worker running; health and metrics on port ${config.worker.port}`, 'Bootstrap');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
