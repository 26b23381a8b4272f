import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import { withTimeout } from './with-timeout';

/**
 * Readiness probe for MongoDB: a real `ping` round trip under a short budget. Asking the driver whether
 * it believes it is connected is not enough: a stalled primary or a network partition keeps the
 * connection "open" until the driver's heartbeat gives up, tens of seconds later.
 */
@Injectable()
export class MongoHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly health: HealthIndicatorService,
  ) {}

  async pingCheck(key: string, timeoutMs = 1_500): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      const db = this.connection.db;
      if (!db) throw new Error('not connected');
      await withTimeout(db.command({ ping: 1 }), timeoutMs);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
