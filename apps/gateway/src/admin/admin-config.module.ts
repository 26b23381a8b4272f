import { Module } from '@nestjs/common';

/** Admin API: advertisers, offers, sources with endpoints, template preview. */
@Module({})
export class AdminConfigModule {}
