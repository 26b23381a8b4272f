import { Module } from '@nestjs/common';

/** GET /click and POST /api/clicks. */
@Module({})
export class ClicksModule {}
