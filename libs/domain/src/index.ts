export * from './model';
export * from './money';
export * from './templates';
export * from './postback';
export * from './attribution';
export * from './delivery';
export * from './network';
export * from './ids';
