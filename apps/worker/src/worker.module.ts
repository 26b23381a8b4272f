import { Module } from '@nestjs/common';

/**
 * The worker's queue consumers and the sweeper. It serves no admin routes; its own HTTP port only
 * answers health and metrics (see {@link createWorkerApp}).
 */
@Module({
  imports: [],
})
export class WorkerModule {}
