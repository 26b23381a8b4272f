import type { Document } from 'bson';
import { bsonType, isPlainObject } from './values';

/**
 * Index keys: one string per value, equal exactly when MongoDB's equality says the values are equal, so
 * unique checks and equality lookups are Map hits. Numbers compare across BSON types (1, 1.0, Long(1) and
 * Decimal128("1.0") are one key; "1" is another), embedded documents compare field by field in order,
 * binary data by subtype and bytes.
 */
export function indexKey(value: unknown): string {
  if (value === null || value === undefined) return 'z';
  switch (typeof value) {
    case 'number':
      return numberKey(value);
    case 'string':
      return stringKey(value);
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'bigint':
      return `n${value}`;
    case 'object':
      break;
    default:
      return `?${typeof value}`;
  }
  if (value instanceof Date) return `t${value.getTime()}`;
  if (value instanceof RegExp) return `r${stringKey(value.source)}${stringKey(value.flags)}`;
  if (Array.isArray(value)) return `[${value.map(indexKey).join(',')}]`;
  const type = bsonType(value);
  if (type !== undefined) return bsonKey(type, value);
  if (isPlainObject(value)) return documentKey(value);
  return `?${Object.prototype.toString.call(value)}`;
}

/** The BSON value classes the driver's deserializer produces, with the fields the keys read. */
interface BsonObject {
  toString(): string;
  toHexString?(): string;
  valueOf(): unknown;
  sub_type?: number;
  buffer?: Uint8Array;
  pattern?: string;
  options?: string;
  code?: unknown;
  scope?: Document | null;
  collection?: string;
  oid?: unknown;
  db?: string;
  fields?: Document;
}

function bsonKey(type: string, value: BsonObject): string {
  switch (type) {
    case 'ObjectId':
      return `o${value.toHexString!()}`;
    case 'Binary':
    case 'UUID':
      // UUID is binary subtype 4: the same bytes under another subtype are a different value.
      return `x${value.sub_type}:${Buffer.from(value.buffer!).toString('base64')}`;
    case 'Long':
      return `n${value.toString()}`;
    case 'Int32':
    case 'Double':
      return numberKey(Number(value.valueOf()));
    case 'Decimal128':
      return decimalKey(value.toString());
    case 'Timestamp':
      return `T${value.toString()}`;
    case 'BSONRegExp':
      return `r${stringKey(value.pattern!)}${stringKey(value.options!)}`;
    case 'BSONSymbol':
      // MongoDB compares symbols and strings as one type.
      return stringKey(String(value.valueOf()));
    case 'Code':
      return `c${stringKey(String(value.code))}${value.scope ? documentKey(value.scope) : ''}`;
    case 'DBRef': {
      // On the server a DBRef is the embedded document { $ref, $id, $db?, ...fields }.
      const ref: Document = { $ref: value.collection, $id: value.oid };
      if (value.db) ref.$db = value.db;
      return documentKey({ ...ref, ...value.fields });
    }
    case 'MinKey':
      return '-';
    case 'MaxKey':
      return '+';
    default:
      return `${type}:${stringKey(value.toString())}`;
  }
}

/**
 * Text goes in quoted and escaped, so keys never run into each other inside a document or an array
 * (`{ a: 'x,"b":"y' }` is not `{ a: 'x', b: 'y' }`) and never contain the separator of compound keys.
 */
function stringKey(text: string): string {
  return `s${JSON.stringify(text)}`;
}

function documentKey(doc: Document): string {
  const fields = Object.keys(doc).map((field) => `${JSON.stringify(field)}:${indexKey(doc[field])}`);
  return `{${fields.join(',')}}`;
}

/**
 * Integers print exactly (2^60 as a double equals Long 2^60: JavaScript would print 1152921504606847000),
 * other doubles in their shortest form, which is unique per double.
 */
function numberKey(value: number): string {
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) return `n${BigInt(value).toString()}`;
  return `n${value}`; // -0 prints as 0, as it should: 0 and -0 are equal.
}

const DECIMAL = /^(-?)(\d*)(?:\.(\d*))?(?:E([+-]?\d+))?$/i;
/** Beyond this many digits no double or int64 can equal a decimal, so there is no shared key to find. */
const MAX_SHARED_DIGITS = 330;

/**
 * A Decimal128 equal to a double or an int64 must share its key. Integral decimals print as integers;
 * a fractional one takes the double's key only when that double's exact binary value is the decimal's
 * (Decimal128("0.5") = 0.5, but Decimal128("0.1") is not the double 0.1).
 */
function decimalKey(text: string): string {
  const match = DECIMAL.exec(text);
  if (!match) return `n${text}`; // NaN, Infinity, -Infinity: the same keys as the doubles.
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  let scale = Number(exponent) - fraction.length;
  if (digits === '') return 'n0';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  scale += trailing;
  if (digits.length + scale > MAX_SHARED_DIGITS) return `d${sign}${digits}E${scale}`;
  if (scale >= 0) return `n${sign}${digits}${'0'.repeat(scale)}`;
  const double = Number(text);
  const exact = exactDecimal(double);
  if (exact && exact.digits === digits && exact.scale === scale && exact.negative === (sign === '-')) {
    return numberKey(double);
  }
  return `d${sign}${digits}E${scale}`;
}

/** The exact decimal expansion of a finite, non-integral double: digits × 10^scale, without trailing zeros. */
function exactDecimal(value: number): { negative: boolean; digits: string; scale: number } | undefined {
  if (!Number.isFinite(value) || Number.isInteger(value)) return undefined;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fractionBits = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fractionBits : fractionBits | (1n << 52n);
  const power = (biased === 0 ? 1 : biased) - 1075; // value = mantissa × 2^power, power < 0 here
  // mantissa × 2^power = mantissa × 5^-power × 10^power
  let digits = (mantissa * 5n ** BigInt(-power)).toString();
  let scale = power;
  const stripped = digits.replace(/0+$/, '');
  scale += digits.length - stripped.length;
  digits = stripped;
  return { negative: value < 0, digits, scale };
}
