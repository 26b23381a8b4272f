import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { Counter, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics.controller';

/**
 * Counts the MongoDB commands this process sends, by command name (`ricochet_mongodb_commands_total`):
 * the figure that tells what a conversion costs the database, per process. Fed by the driver's command
 * monitoring (`monitorCommands`, switched on by the persistence lib's connection).
 */
@Injectable()
export class MongoCommandMetrics implements OnModuleInit {
  private readonly commands: Counter<'command'>;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.commands = new Counter({
      name: 'ricochet_mongodb_commands_total',
      help: 'MongoDB commands sent by this process, by command name',
      labelNames: ['command'],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    this.connection.getClient().on('commandStarted', (event: CommandStartedEvent) => {
      this.commands.inc({ command: event.commandName });
    });
  }
}
