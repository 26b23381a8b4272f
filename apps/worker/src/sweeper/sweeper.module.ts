import { Module } from '@nestjs/common';

/** Re-enqueues due work that has no live job. */
@Module({})
export class SweeperModule {}
