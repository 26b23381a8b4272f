export {
  type BreakerDecision,
  CLOSED_BREAKER,
  type CircuitBreakerPolicy,
  type CircuitBreakerState,
  DEFAULT_CIRCUIT_BREAKER_POLICY,
  breakerAcquire,
  breakerAllows,
  breakerOpenMs,
  breakerRecord,
  breakerSignal,
} from './circuit-breaker';
export {
  type DeliveryOutcome,
  type PermanentOutcome,
  type ResponseFacts,
  type RetryOutcome,
  THROTTLED_MIN_DELAY_MS,
  classifyNetworkError,
  classifyResponse,
} from './delivery-outcome';
export { DELIVERY_ERROR_CLASSES, type DeliveryErrorClass } from './error-classes';
export {
  POSTBACK_SIGNATURE_PARAMS,
  POSTBACK_SIGNATURE_SCHEMES,
  POSTBACK_TIMESTAMP_PARAM,
  type PostbackRequestParts,
  type PostbackSignatureScheme,
  canonicalPostbackString,
  computePostbackSignature,
  parseSignatureTimestamp,
  postbackSigningPayload,
  signedQueryString,
  verifyPostbackSignature,
} from './postback-signature';
export { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after';
export {
  DEFAULT_RETRY_SCHEDULE_MS,
  InvalidDurationError,
  JITTER_RATIO,
  MAX_JITTER_MS,
  MAX_SCHEDULE_RETRIES,
  MAX_SCHEDULE_SPAN_MS,
  type NextRetryInput,
  formatDuration,
  formatRetrySchedule,
  nextRetryDelayMs,
  parseDuration,
  parseRetrySchedule,
  scheduleSpanMs,
  totalAttempts,
} from './retry-schedule';
export {
  InvalidSigningSecretError,
  type SignInput,
  type StandardWebhookHeaders,
  WEBHOOK_SECRET_PREFIX,
  WEBHOOK_TOLERANCE_SEC,
  generateWebhookSecret,
  signStandardWebhook,
  signingKey,
  verifyStandardWebhook,
} from './standard-webhooks';
export { type TokenBucketResult, type TokenBucketState, defaultBurst, tokenBucketTake } from './token-bucket';
