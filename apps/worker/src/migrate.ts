// `npm run migrate`: makes MongoDB's indexes match this version's schemas, once, after a deploy.
// Processes only create missing indexes at boot (MONGO_INDEXES=ensure); this also rebuilds indexes
// whose options changed (a TTL after a retention change) and drops indexes no schema declares.
import { type DynamicModule, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import { loadConfigFromEnvironment, type RicochetConfig, RicochetConfigModule } from '@ricochet/config';
import { PinoLoggerService } from '@ricochet/observability';
import {
  describeSync,
  MongoModule,
  PersistenceIndexesService,
  type SyncIndexesReport,
} from '@ricochet/persistence';
import type { Connection } from 'mongoose';

@Module({})
class MigrateModule {
  static register(config: RicochetConfig): DynamicModule {
    return {
      module: MigrateModule,
      imports: [RicochetConfigModule.forRoot({ config }), MongoModule.forRoot({ indexesAtBoot: false })],
    };
  }
}

export interface MigrateOptions {
  /** Where the summary lines go; default stdout. */
  print?: (line: string) => void;
  /** Nest's logger; default pino at `warn` (or the configured level when it is quieter). */
  logger?: LoggerService | false;
}

/**
 * Connects with the app's own connection settings, runs the full index sync on every collection and prints
 * what it did. Rejects (and changes nothing further) on the first index MongoDB refuses to build.
 */
export async function migrate(
  config: RicochetConfig,
  options: MigrateOptions = {},
): Promise<SyncIndexesReport> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const level = ['error', 'fatal', 'silent'].includes(config.logLevel) ? config.logLevel : 'warn';
  const app = await NestFactory.createApplicationContext(MigrateModule.register(config), {
    logger: options.logger ?? new PinoLoggerService(level, 'migrate'),
    abortOnError: false,
  });
  try {
    const database = app.get<Connection>(getConnectionToken()).name;
    print(`migrate: syncing the indexes of MongoDB database "${database}" with this version's schemas`);
    const report = await app.get(PersistenceIndexesService).syncIndexes();
    const changes = describeSync(report);
    for (const line of changes) print(line);
    print(changes.length > 0 ? `migrate: done, ${countChanges(report)}` : 'migrate: done, no index changes');
    return report;
  } finally {
    await app.close();
  }
}

function countChanges(report: SyncIndexesReport): string {
  const sum = (pick: (c: SyncIndexesReport['collections'][number]) => string[]) =>
    report.collections.reduce((total, collection) => total + pick(collection).length, 0);
  return `${sum((c) => c.created)} created, ${sum((c) => c.rebuilt)} rebuilt, ${sum((c) => c.dropped)} dropped`;
}

async function main(): Promise<void> {
  await migrate(loadConfigFromEnvironment());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
