import { Module } from '@nestjs/common';
import { BackfillRunStore, BackfillSelection } from '@ricochet/forwarding';
import { BackfillController } from './backfill.controller';
import { BackfillService } from './backfill.service';

/**
 * `POST /api/backfills` and its progress. The run store and the conversion walk are the worker's own
 * classes (the worker executes the runs), so both sides count and walk the same way.
 */
@Module({
  controllers: [BackfillController],
  providers: [BackfillService, BackfillSelection, BackfillRunStore],
})
export class BackfillModule {}
