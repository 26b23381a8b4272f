/**
 * Machine error classes written on every failed DeliveryAttempt (`errorClass`) and used as metric
 * labels. Stable strings: dashboards and replay filters depend on them.
 */
export const DELIVERY_ERROR_CLASSES = [
  'http_5xx',
  'http_429',
  'http_408',
  'http_4xx',
  'redirect', // 3xx: never followed
  'body_mismatch', // 2xx whose body failed successBodyMatch
  'gone', // 410: endpoint auto-disabled
  'timeout',
  'connect_error', // refused / unreachable
  'connection_reset', // reset, broken pipe, socket closed mid-request
  'dns_error',
  'tls_error',
  'ssrf_blocked',
  'network_error', // anything else below HTTP
  'template_error', // the endpoint's URL, body or headers cannot be rendered for this conversion: never retried
] as const;
export type DeliveryErrorClass = (typeof DELIVERY_ERROR_CLASSES)[number];
