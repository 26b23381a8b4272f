import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { CommandFailedEvent, CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { Counter, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics.controller';

/**
 * MongoDB traffic of this process, fed by the driver's command monitoring (`monitorCommands`, switched
 * on by the persistence lib's connection) and its server monitor:
 * - `ricochet_mongodb_commands_total{command}`: commands sent, by name — what a conversion costs the
 *   database, per process;
 * - `ricochet_mongodb_command_failures_total{command}`: commands the server answered with an error or
 *   that failed on the wire (a write error inside a successful batch is not one);
 * - `ricochet_mongodb_heartbeat_failures_total`: the driver's heartbeats that got no answer — the server
 *   is unreachable or stalled, even while no command is being sent.
 */
@Injectable()
export class MongoCommandMetrics implements OnModuleInit {
  private readonly commands: Counter<'command'>;
  private readonly failures: Counter<'command'>;
  private readonly heartbeatFailures: Counter;

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
    this.failures = new Counter({
      name: 'ricochet_mongodb_command_failures_total',
      help: 'MongoDB commands of this process that failed (error answer, timeout, connection lost), by command name',
      labelNames: ['command'],
      registers: [registry],
    });
    this.heartbeatFailures = new Counter({
      name: 'ricochet_mongodb_heartbeat_failures_total',
      help: "Heartbeats of this process's MongoDB driver that failed (server unreachable or stalled)",
      registers: [registry],
    });
  }

  onModuleInit(): void {
    const client = this.connection.getClient();
    client.on('commandStarted', (event: CommandStartedEvent) => {
      this.commands.inc({ command: event.commandName });
    });
    client.on('commandFailed', (event: CommandFailedEvent) => {
      this.failures.inc({ command: event.commandName });
    });
    client.on('serverHeartbeatFailed', () => this.heartbeatFailures.inc());
  }
}
