import { readJsonParams } from './json-params';

describe('readJsonParams', () => {
  it('reads members in order, keeping number text and repeated keys', () => {
    expect(readJsonParams('{"click_id":"a1","payout":12.50,"ok":true,"n":null,"click_id":"a2"}')).toEqual({
      entries: [
        ['click_id', 'a1'],
        ['payout', '12.50'],
        ['ok', 'true'],
        ['n', ''],
        ['click_id', 'a2'],
      ],
    });
  });

  it('decodes escapes in names and values', () => {
    expect(readJsonParams(' { "c\\u006cick_id" : "a\\"b\\u00e9" } ').entries).toEqual([['click_id', 'a"bé']]);
  });

  it('reports the first nested member as INVALID_JSON_SHAPE and keeps its text', () => {
    const reading = readJsonParams('{"a":"1","x":{"y":[1,"}"]},"z":[]}');
    expect(reading.error).toMatchObject({ code: 'INVALID_JSON_SHAPE', param: 'x' });
    expect(reading.entries).toEqual([
      ['a', '1'],
      ['x', '{"y":[1,"}"]}'],
      ['z', '[]'],
    ]);
  });

  it.each([
    ['{"a":', 'INVALID_JSON'],
    ['[1]', 'INVALID_JSON_SHAPE'],
    ['"x"', 'INVALID_JSON_SHAPE'],
    ['null', 'INVALID_JSON_SHAPE'],
    [`{"a":${'['.repeat(50_000)}`, 'JSON_TOO_DEEP'],
  ])('refuses %p with %s, without throwing', (text, code) => {
    expect(readJsonParams(text).error?.code).toBe(code);
  });

  it('reads an empty object as no parameters', () => {
    expect(readJsonParams('{}')).toEqual({ entries: [] });
  });
});
