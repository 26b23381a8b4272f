import { jsonNumberTexts, readJsonParams } from './json-params';

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

  it('keeps numbers as written, never as Number#toString renders them', () => {
    const text = '{"payout":0.0000001,"sum":12.50,"big":100000000000000000000001,"exp":1e-7,"neg":-0.0}';
    expect(String(0.0000001)).toBe('1e-7');
    expect(readJsonParams(text).entries).toEqual([
      ['payout', '0.0000001'],
      ['sum', '12.50'],
      ['big', '100000000000000000000001'],
      ['exp', '1e-7'],
      ['neg', '-0.0'],
    ]);
  });
});

describe('jsonNumberTexts', () => {
  it('reads the number literals of a nested object as written', () => {
    const text = '{"template":"x","values":{"payout":0.0000001,"sub1":"a","n":12.50,"o":{"p":1},"t":true}}';
    expect(jsonNumberTexts(text, ['values'])).toEqual(
      new Map([
        ['payout', '0.0000001'],
        ['n', '12.50'],
      ]),
    );
    expect(jsonNumberTexts(text, ['values', 'o'])).toEqual(new Map([['p', '1']]));
    expect(jsonNumberTexts(' {"a": 1e-7 } ', [])).toEqual(new Map([['a', '1e-7']]));
  });

  it('gives nothing for a path that does not lead to an object', () => {
    expect(jsonNumberTexts('{"values":[1,2]}', ['values']).size).toBe(0);
    expect(jsonNumberTexts('{"values":3}', ['values', 'x']).size).toBe(0);
    expect(jsonNumberTexts('{}', ['values']).size).toBe(0);
    expect(jsonNumberTexts('[1]', []).size).toBe(0);
  });
});
