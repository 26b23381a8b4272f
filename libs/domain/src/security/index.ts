export {
  JSON_INPUT_ERROR_CODES,
  type JsonInputErrorCode,
  JsonInputError,
  MAX_JSON_DEPTH,
  assertJsonDepth,
  assertUniqueJsonKeys,
  isJsonInputError,
  jsonNestingDepth,
  parseBoundedJson,
} from './bounded-json';
export {
  type BodyMatcher,
  InvalidPatternError,
  LinearPattern,
  MAX_MATCHED_CHARS,
  MAX_PATTERN_LENGTH,
  MAX_PATTERN_PROGRAM_SIZE,
  isInvalidPatternError,
} from './linear-pattern';
export {
  DEFAULT_REDACTED_NAMES,
  DEFAULT_REDACTION_POLICY,
  RedactionPolicy,
  SECRET_SEGMENT_MIN_LENGTH,
  URL_MASK,
  VALUE_MASK,
  createRedactionPolicy,
} from './redaction';
