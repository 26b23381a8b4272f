import { RE2JS } from 're2js';

/** Longest `successBodyMatch` source accepted. */
export const MAX_PATTERN_LENGTH = 500;
/**
 * Largest compiled pattern accepted (RE2 program instructions). Matching costs at most
 * instructions × body characters, so this and {@link MAX_MATCHED_CHARS} bound every match to tens of
 * milliseconds on the build machine, whatever the receiver answers.
 */
export const MAX_PATTERN_PROGRAM_SIZE = 120;
/** A receiver's body is matched on its first this many characters at most. */
export const MAX_MATCHED_CHARS = 16 * 1024;

/** A pattern the linear-time engine cannot take (syntax, backreferences, lookaround, size). */
export class InvalidPatternError extends Error {
  override readonly name = 'InvalidPatternError';
  readonly code = 'INVALID_REGEX';

  constructor(
    readonly detail: string,
    readonly hint?: string,
  ) {
    super(`INVALID_REGEX: ${detail}`);
  }
}

/** True for an InvalidPatternError, also across module copies (checks the stable `name`). */
export function isInvalidPatternError(err: unknown): err is InvalidPatternError {
  return err instanceof InvalidPatternError || (err instanceof Error && err.name === 'InvalidPatternError');
}

/** What classifies a 2xx body: `test` is true when the body counts as a success. */
export interface BodyMatcher {
  test(body: string): boolean;
}

/**
 * An endpoint's `successBodyMatch`, compiled for RE2's linear-time engine (re2js, a pure-JS port):
 * no backtracking, so `(a+)+$` against `aaaa…!` costs one pass, not 2^n steps. RE2 syntax is
 * JavaScript's minus backreferences and lookaround; `(?i)` turns on case-insensitive matching.
 * `test` searches anywhere in the body (use `^`/`$` to anchor), on its first {@link MAX_MATCHED_CHARS}.
 */
export class LinearPattern implements BodyMatcher {
  private constructor(
    readonly source: string,
    private readonly compiled: RE2JS,
  ) {}

  /** @throws InvalidPatternError naming what the engine refused. */
  static compile(source: string): LinearPattern {
    if (source.length === 0) throw new InvalidPatternError('the pattern is empty');
    if (source.length > MAX_PATTERN_LENGTH) {
      throw new InvalidPatternError(
        `the pattern is ${source.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`,
      );
    }
    let compiled: RE2JS;
    try {
      compiled = RE2JS.compile(source);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidPatternError(
        `${JSON.stringify(source.slice(0, 80))} is not a pattern the linear-time engine accepts: ${reason}`,
        'use RE2 syntax: JavaScript regular expressions without backreferences (\\1) or lookaround ((?=…), (?!…), (?<=…))',
      );
    }
    const size = compiled.programSize();
    if (size > MAX_PATTERN_PROGRAM_SIZE) {
      throw new InvalidPatternError(
        `the pattern compiles to ${size} instructions; at most ${MAX_PATTERN_PROGRAM_SIZE} are allowed`,
        'shorten it: a success check needs a marker such as ^OK or "status":"success", not a grammar',
      );
    }
    return new LinearPattern(source, compiled);
  }

  test(body: string): boolean {
    const input = body.length > MAX_MATCHED_CHARS ? body.slice(0, MAX_MATCHED_CHARS) : body;
    return this.compiled.matcher(input).find();
  }
}
