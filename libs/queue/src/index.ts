export * from './queue.constants';
export * from './queue.module';
export * from './producers';
export * from './redis-connection';
