// CLI: `ts-node --transpile-only test/mongo-standin/main.ts --port 27999 [--host 127.0.0.1]`,
// for the local demo, benchmarks, chaos tests and for pointing MONGO_URL-driven tools at the stand-in.
// Prints one "mongo stand-in listening on mongodb://host:port (pid N)" line once it accepts connections,
// and exits 0 on SIGTERM or SIGINT. SIGSTOP/SIGCONT freeze and thaw it with its data intact.
import { startMongoStandin } from './standin';

function option(args: string[], name: string): string | undefined {
  const index = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return undefined;
  const arg = args[index];
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1];
}

async function main(args: string[]): Promise<void> {
  const rawPort = option(args, 'port') ?? '27017';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer between 0 and 65535, got "${rawPort}"`);
  }
  const host = option(args, 'host') ?? '127.0.0.1';
  const standin = await startMongoStandin({ port, host });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    // A second signal while stopping changes nothing: stop() only closes sockets, it cannot hang.
    if (stopping) return;
    stopping = true;
    standin.stop().then(
      () => {
        console.log(`mongo stand-in stopped (${signal})`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  console.log(`mongo stand-in listening on ${standin.url} (pid ${process.pid})`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`mongo stand-in failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
