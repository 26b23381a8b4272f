import { Module } from '@nestjs/common';

/** GET|POST /postback intake. */
@Module({})
export class PostbacksModule {}
