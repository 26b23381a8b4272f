import { Binary, Code, DBRef, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, UUID } from 'bson';
import { indexKey } from './index-keys';

describe('indexKey', () => {
  const oid = new ObjectId();
  const bytes = Buffer.from('0123456789abcdef');

  it.each<[string, unknown[]]>([
    [
      '1 as every numeric type',
      [1, 1.0, new Double(1), new Int32(1), Long.fromNumber(1), Decimal128.fromString('1.00')],
    ],
    ['zero and negative zero', [0, -0, Decimal128.fromString('-0'), Decimal128.fromString('0E+5')]],
    [
      'an integer beyond 2^53',
      [2 ** 60, Long.fromString('1152921504606846976'), Decimal128.fromString('1152921504606846976')],
    ],
    [
      'an exactly representable fraction',
      [0.5, Decimal128.fromString('0.50'), Decimal128.fromString('5E-1')],
    ],
    ['thousands', [1000, Decimal128.fromString('1E+3'), Decimal128.fromString('1000.000')]],
    ['NaN', [NaN, new Double(NaN), Decimal128.fromString('NaN')]],
    ['an ObjectId', [oid, new ObjectId(oid.toHexString())]],
    ['a date', [new Date(5), new Date(5)]],
    [
      'an embedded document with equal numbers',
      [
        { a: 1, b: { c: 2 } },
        { a: new Double(1), b: { c: Long.fromNumber(2) } },
      ],
    ],
    ['a UUID and the same bytes as binary subtype 4', [new UUID(bytes), new Binary(bytes, 4)]],
    ['equal DBRefs', [new DBRef('c', oid), new DBRef('c', new ObjectId(oid.toHexString()))]],
  ])('gives %s one key', (_label, values) => {
    expect(new Set(values.map(indexKey)).size).toBe(1);
  });

  it('gives values MongoDB tells apart different keys', () => {
    const distinct: unknown[] = [
      1,
      '1',
      true,
      new Date(1),
      0.1,
      Decimal128.fromString('0.1'),
      2 ** 53,
      2 ** 53 + 2,
      { a: 1, b: 2 },
      { b: 2, a: 1 },
      [1, 2],
      [2, 1],
      null,
      oid,
      oid.toHexString(),
      new Binary(bytes, 0),
      new Binary(bytes, 4),
      new DBRef('c', oid),
      new DBRef('c', new ObjectId()),
      new DBRef('d', oid),
      new DBRef('c', oid, 'otherdb'),
      new Code('x'),
      new Code('y'),
      new MinKey(),
      new MaxKey(),
      /a/i,
      /a/,
      'a',
      { a: 'x,"b":s"y"' },
      { a: 'x', b: 'y' },
      ['a,sb'],
      ['a', 'b'],
    ];
    expect(new Set(distinct.map(indexKey)).size).toBe(distinct.length);
  });
});
