import { Module } from '@nestjs/common';
import { SweeperService } from './sweeper.service';

/** Re-enqueues due work that has no live job. */
@Module({
  providers: [SweeperService],
})
export class SweeperModule {}
