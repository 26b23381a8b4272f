export * from './config.types';
export * from './config.error';
export * from './config.module';
export {
  loadConfig,
  loadConfigFromEnvironment,
  ENV_DEFAULTS,
  DEFAULT_RETRY_SCHEDULE,
  MAX_FORWARD_TIMEOUT_MS,
  type EnvName,
} from './load-config';
export * from './redis-connection-string';
