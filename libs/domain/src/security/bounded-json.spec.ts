import {
  assertUniqueJsonKeys,
  JsonInputError,
  jsonNestingDepth,
  MAX_JSON_DEPTH,
  parseBoundedJson,
} from './bounded-json';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof JsonInputError) return `${error.code}${error.param ? ` ${error.param}` : ''}`;
    throw error;
  }
  return undefined;
}

describe('jsonNestingDepth', () => {
  it('counts objects and arrays alike, and ignores brackets inside strings', () => {
    expect(jsonNestingDepth('{"a":[{"b":"[[[{{{"}]}')).toBe(3);
    expect(jsonNestingDepth('"\\"[[["')).toBe(0);
  });

  it('stops one past the limit on a hostile body', () => {
    expect(jsonNestingDepth('['.repeat(1_000_000), 32)).toBe(33);
  });
});

describe('parseBoundedJson', () => {
  it('parses ordinary documents', () => {
    expect(parseBoundedJson('{"a":[1,{"b":null}],"c":"x"}')).toEqual({ a: [1, { b: null }], c: 'x' });
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} before anything recursive runs`, () => {
    expect(codeOf(() => parseBoundedJson(`{"x":${'['.repeat(100_000)}`))).toBe('JSON_TOO_DEEP');
    expect(
      codeOf(() => parseBoundedJson('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))),
    ).toBe('JSON_TOO_DEEP');
    expect(parseBoundedJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toEqual(
      expect.any(Array),
    );
  });

  it('refuses malformed JSON with INVALID_JSON', () => {
    expect(codeOf(() => parseBoundedJson('{"a":'))).toBe('INVALID_JSON');
  });

  it('refuses a key repeated in one object, naming its path, also when spelled with escapes', () => {
    expect(codeOf(() => parseBoundedJson('{"name":"A","name":"B"}'))).toBe('DUPLICATE_JSON_KEY name');
    expect(codeOf(() => parseBoundedJson('{"a":{"x":1,"\\u0078":2}}'))).toBe('DUPLICATE_JSON_KEY a.x');
    expect(codeOf(() => parseBoundedJson('{"l":[{"k":1},{"k":2,"k":3}]}'))).toBe('DUPLICATE_JSON_KEY l[1].k');
  });

  it('accepts the same key in sibling objects', () => {
    expect(parseBoundedJson('[{"k":1},{"k":2}]')).toEqual([{ k: 1 }, { k: 2 }]);
  });

  it('refuses prototype keys', () => {
    expect(codeOf(() => parseBoundedJson('{"__proto__":{"admin":true}}'))).toBe(
      'FORBIDDEN_JSON_KEY __proto__',
    );
    expect(codeOf(() => assertUniqueJsonKeys('{"constructor":{"prototype":{}}}'))).toBe(
      'FORBIDDEN_JSON_KEY constructor.prototype',
    );
  });
});
