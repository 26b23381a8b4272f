import type { INestApplication, LoggerService } from '@nestjs/common';

export interface GracefulShutdownOptions {
  /**
   * Runs the moment the signal arrives, before Nest's shutdown hooks (which run module by module): e.g.
   * every queue worker stops taking jobs at once.
   */
  onSignal?: () => void;
}

/**
 * Graceful shutdown: Nest's shutdown hooks close HTTP and workers; this watchdog makes sure
 * the process still exits if something in-flight hangs past the configured budget.
 *
 * A clean stop exits 0 (`useProcessExit`): by default Nest re-raises the signal once the hooks have run,
 * so the process dies of it (143), and a supervisor cannot tell a graceful stop from a kill.
 */
export function enableGracefulShutdown(
  app: INestApplication,
  timeoutMs: number,
  logger: LoggerService,
  options: GracefulShutdownOptions = {},
): void {
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      const receivedAt = Date.now();
      logger.log(`${signal} received: finishing in-flight work (at most ${timeoutMs} ms)`, 'Shutdown');
      process.once('exit', (code) => {
        logger.log(`stopped ${Date.now() - receivedAt} ms after ${signal} (exit code ${code})`, 'Shutdown');
      });
      setTimeout(() => {
        logger.error(`shutdown took longer than ${timeoutMs} ms; exiting`, undefined, 'Shutdown');
        process.exit(1);
      }, timeoutMs).unref();
      options.onSignal?.();
    });
  }
}
