import { hasControlChars, parameterNameProblem } from './postback-limits';

describe('hasControlChars', () => {
  it.each(['\r', '\n', '\t', '\u0000', '\u007f'])('finds %p', (c) => {
    expect(hasControlChars(`a${c}b`)).toBe(true);
  });

  it('accepts printable and non-ASCII text', () => {
    expect(hasControlChars('café 日本 {x}')).toBe(false);
  });
});

describe('parameterNameProblem', () => {
  it('accepts ordinary names up to 64 characters', () => {
    expect(parameterNameProblem('sub_id_1')).toBeUndefined();
    expect(parameterNameProblem('n'.repeat(64))).toBeUndefined();
  });

  it.each(['', 'n'.repeat(65), 'a\nb', '__proto__'])('explains why %p is refused', (name) => {
    expect(parameterNameProblem(name)).toEqual(expect.any(String));
  });
});
