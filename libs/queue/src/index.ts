export * from './queue.constants';
export * from './queue.module';
export * from './producers';
export * from './job-ids';
export * from './job-store';
export * from './worker-tuning';
export * from './redis-connection';
export * from './replay-run.store';
