import { InvalidPatternError, LinearPattern, MAX_MATCHED_CHARS } from './linear-pattern';

function refusal(source: string): InvalidPatternError {
  try {
    LinearPattern.compile(source);
  } catch (error) {
    if (error instanceof InvalidPatternError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to be refused`);
}

describe('LinearPattern', () => {
  it('matches like a search, with anchors and inline flags', () => {
    expect(LinearPattern.compile('^(OK|success)').test('OK, stored')).toBe(true);
    expect(LinearPattern.compile('^(OK|success)').test('not OK')).toBe(false);
    expect(LinearPattern.compile('(?i)"status"\\s*:\\s*"ok"').test('{"Status": "OK"}')).toBe(true);
  });

  it('runs catastrophic-backtracking shapes in linear time', () => {
    const started = process.hrtime.bigint();
    for (const source of ['(a+)+$', '(a|a)+$', '(\\w+\\s?)+$', '((a|b)+c?){10}$']) {
      expect(LinearPattern.compile(source).test(`${'a'.repeat(MAX_MATCHED_CHARS - 1)}!`)).toBe(false);
    }
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
  });

  it('looks only at the first 16 KiB of a body', () => {
    expect(LinearPattern.compile('DONE').test(`${' '.repeat(MAX_MATCHED_CHARS)}DONE`)).toBe(false);
  });

  it.each([
    ['(?=OK)', 'lookaround'],
    ['(a)\\1', 'backreference'],
    ['[', 'syntax'],
    ['', 'empty'],
    ['x'.repeat(501), 'too long'],
    ['(a{1,20}){1,20}', 'too large a program'],
  ])('refuses %p (%s) with INVALID_REGEX', (source) => {
    expect(refusal(source).code).toBe('INVALID_REGEX');
  });
});
