import { Module } from '@nestjs/common';

/** Attribution processor and delivery planner. */
@Module({})
export class AttributionModule {}
