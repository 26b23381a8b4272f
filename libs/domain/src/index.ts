export * from './model';
export * from './delivery';
export * from './network';
export * from './ids';
