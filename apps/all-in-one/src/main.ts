// One process for small installs and the demo: the gateway's HTTP plus the worker's consumers on one
// set of connections. The gateway app itself never starts consumers; this entry point adds them.
import { loadConfigFromEnvironment } from '@ricochet/config';
import { enableGracefulShutdown, PinoLoggerService } from '@ricochet/observability';
import { createGatewayApp } from '../../gateway/src/gateway.app';
import { stopTakingJobs } from '../../worker/src/worker.app';
import { WorkerModule } from '../../worker/src/worker.module';

async function main(): Promise<void> {
  const config = loadConfigFromEnvironment();
  const logger = new PinoLoggerService(config.logLevel, 'all-in-one');
  const app = await createGatewayApp(config, { app: 'all-in-one', logger, extraModules: [WorkerModule] });
  enableGracefulShutdown(app, config.shutdownTimeoutMs, logger, { onSignal: () => stopTakingJobs(app) });
  await app.listen(config.gateway.port, config.gateway.host);
  logger.log(
    `ricochet (gateway + worker) listening on http://${config.gateway.host}:${config.gateway.port}`,
    'Bootstrap',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
