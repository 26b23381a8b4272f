import { Global, Module } from '@nestjs/common';
import { Lookups } from './lookups.service';

/** One cache per gateway process, shared by the hot paths (reads) and the admin API (invalidation). */
@Global()
@Module({ providers: [Lookups], exports: [Lookups] })
export class LookupsModule {}
