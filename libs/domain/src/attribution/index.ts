export * from './status-machine';
export * from './click-expiry';
export * from './endpoint-firing';
