import { Module } from '@nestjs/common';

/** Admin API: reads, traces, replays, manual status changes, reports. */
@Module({})
export class AdminOpsModule {}
