import type { INestApplication, LoggerService } from '@nestjs/common';

/**
 * Graceful shutdown: Nest's shutdown hooks close HTTP and workers; this watchdog makes sure
 * the process still exits if something in-flight hangs past the configured budget.
 */
export function enableGracefulShutdown(
  app: INestApplication,
  timeoutMs: number,
  logger: LoggerService,
): void {
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received: finishing in-flight work (at most ${timeoutMs} ms)`, 'Shutdown');
      setTimeout(() => {
        logger.error(`shutdown took longer than ${timeoutMs} ms; exiting`, undefined, 'Shutdown');
        process.exit(1);
      }, timeoutMs).unref();
    });
  }
}
