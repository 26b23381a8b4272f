/**
 * What it takes to forward one conversion state to one endpoint, shared by the worker (deliveries,
 * backfills) and the gateway (test-send, backfill counts): the request builder, the guarded HTTP
 * sender, the macro values of a conversion, and backfill selection and progress.
 */
export * from './backfill-run.store';
export * from './backfill-selection';
export * from './delivery-context.loader';
export * from './delivery-request.builder';
export * from './http-sender';
