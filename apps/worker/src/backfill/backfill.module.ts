import { Module } from '@nestjs/common';
import { BackfillRunStore, BackfillSelection } from '@ricochet/forwarding';
import { BackfillRunner } from './backfill.runner';

/**
 * Backfill runs in the worker: the runner the attribution processor hands `backfill` jobs to, with the
 * run store and the conversion walk it shares with the gateway's backfill API.
 */
@Module({
  providers: [BackfillRunStore, BackfillSelection, BackfillRunner],
  exports: [BackfillRunner],
})
export class BackfillModule {}
