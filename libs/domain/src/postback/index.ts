export * from './postback-param.error';
export * from './postback-config.error';
export { POSTBACK_LIMITS, DEFAULT_IGNORED_PARAMS } from './postback-limits';
export * from './param-map';
export * from './status-map';
export * from './postback-parser';
export * from './postback-auth.error';
export { readJsonParams, jsonNumberTexts, type JsonParamsReading } from './json-params';
