export * from './dedup-key';
export * from './status-machine';
export * from './click-expiry';
export * from './endpoint-firing';
