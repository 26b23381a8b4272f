/** Size limits of one postback; the gateway enforces the byte limits before parsing. */
export const POSTBACK_LIMITS = {
  /** Parameters per postback, counting every value of a repeated name. */
  maxParameters: 100,
  maxNameLength: 64,
  /** Any value; sub ids of 500 characters (TUNE) pass comfortably. */
  maxValueLength: 2048,
  maxClickIdLength: 128,
  maxTxidLength: 128,
  maxEventLength: 64,
} as const;

/**
 * Names the intake never stores nor offers to templates: `token` carries the advertiser's postback
 * secret, and forwarding it as `{postback.token}` would hand it to a traffic source.
 */
export const DEFAULT_IGNORED_PARAMS: readonly string[] = ['token'];

/** True when `s` holds a C0 control character or DEL (CR, LF, NUL, TAB …). */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Why `name` cannot be a parameter name, or undefined when it can: 1–64 characters, no control
 * characters, and not `__proto__` (refused so a received name can never reach an object prototype).
 */
export function parameterNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a parameter name is empty';
  if (name.length > POSTBACK_LIMITS.maxNameLength) {
    return `parameter name "${name.slice(0, 40)}…" is longer than ${POSTBACK_LIMITS.maxNameLength} characters`;
  }
  if (hasControlChars(name)) return `parameter name ${JSON.stringify(name)} contains control characters`;
  if (name === '__proto__') return 'parameter name "__proto__" is not allowed';
  return undefined;
}
