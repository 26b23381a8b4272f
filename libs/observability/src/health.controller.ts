import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { MongoHealthIndicator } from './mongo-health.indicator';
import { RedisHealthIndicator } from './redis-health.indicator';

/** Liveness says the process answers; readiness says MongoDB and Redis answer too. */
@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongo: MongoHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process serves HTTP' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: 200 when MongoDB and Redis answer, 503 naming the failing dependency',
  })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.mongo.pingCheck('mongodb', 1_500),
      () => this.redis.pingCheck('redis', 1_500),
    ]);
  }
}
