import { Global, Module } from '@nestjs/common';
import { StoreDeadline } from './store-deadline.service';

/** The time budget of database calls on the request path, shared by clicks and postback intake. */
@Global()
@Module({ providers: [StoreDeadline], exports: [StoreDeadline] })
export class StoreModule {}
