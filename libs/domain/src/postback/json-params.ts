import { isJsonSpace, jsonNestingDepth, jsonStringEnd, MAX_JSON_DEPTH } from '../security/bounded-json';
import { PostbackParamError } from './postback-param.error';

/** A JSON postback body read as parameters. */
export interface JsonParamsReading {
  /**
   * The top-level members in order, a repeated key once per occurrence (the parser then treats it as a
   * repeated parameter). Strings are decoded; numbers, `true` and `false` keep their text (`12.50` stays
   * `12.50`); `null` is empty; a nested object or array is its JSON text.
   */
  entries: [string, string][];
  /** Why the body cannot be a postback: INVALID_JSON, JSON_TOO_DEEP or INVALID_JSON_SHAPE (the first nested member). */
  error?: PostbackParamError;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * Reads a JSON postback body (JSON postbacks are flat objects of scalars). Never throws and
 * never recurses: the nesting is measured first, the text is validated by `JSON.parse`, and the members
 * are then read off the text in one pass, so a repeated key is seen (JSON.parse would keep only the
 * last value) and a hostile shape costs one scan.
 */
export function readJsonParams(text: string): JsonParamsReading {
  if (jsonNestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    return {
      entries: [],
      error: new PostbackParamError(
        'JSON_TOO_DEEP',
        undefined,
        `the JSON body is nested more than ${MAX_JSON_DEPTH} levels deep; a postback is a flat object`,
      ),
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      entries: [],
      error: new PostbackParamError(
        'INVALID_JSON',
        undefined,
        `the body is not valid JSON: ${reason.slice(0, 200)}`,
      ),
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      entries: [],
      error: new PostbackParamError(
        'INVALID_JSON_SHAPE',
        'body',
        'a JSON postback must be an object of parameters like {"click_id":"…","payout":"1.50"}',
      ),
    };
  }
  return readMembers(text);
}

/** One member of a JSON object, located in the text. */
interface MemberSpan {
  name: string;
  /** Where the value's text starts and ends (exclusive). */
  start: number;
  end: number;
}

/**
 * The members of the object whose `{` is at `open`, in a valid JSON text, in order (a repeated key once
 * per occurrence). One pass over the object's text, nested values skipped without recursion.
 */
function memberSpans(text: string, open: number): MemberSpan[] {
  const spans: MemberSpan[] = [];
  let i = open + 1; // past `{`
  for (;;) {
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== QUOTE) break; // `}` of an empty object
    const keyEnd = jsonStringEnd(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd) + 1; // past `:`
    const start = skipSpace(text, i);
    const end = valueEnd(text, start);
    spans.push({ name, start, end });
    i = skipSpace(text, end);
    if (text.charCodeAt(i) !== COMMA) break;
    i++;
  }
  return spans;
}

/** End (exclusive) of the value starting at `start`, in a valid JSON text. */
function valueEnd(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (c === QUOTE) return jsonStringEnd(text, start);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return nestedEnd(text, start);
  let end = start;
  while (end < text.length && !isJsonSpace(text.charCodeAt(end)) && !isMemberEnd(text.charCodeAt(end))) {
    end++;
  }
  return end;
}

/**
 * A member's value as a parameter: strings decoded, numbers, `true` and `false` as written (never through
 * `Number#toString`, which would turn `0.0000001` into `1e-7` and `12.50` into `12.5`), `null` empty, a
 * nested object or array as its JSON text.
 */
function memberValue(text: string, span: MemberSpan): string {
  const raw = text.slice(span.start, span.end);
  if (text.charCodeAt(span.start) === QUOTE) return JSON.parse(raw) as string;
  return raw === 'null' ? '' : raw;
}

/** Reads the members of a valid JSON object text. */
function readMembers(text: string): JsonParamsReading {
  const entries: [string, string][] = [];
  let error: PostbackParamError | undefined;
  for (const span of memberSpans(text, skipSpace(text, 0))) {
    const c = text.charCodeAt(span.start);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      error ??= new PostbackParamError(
        'INVALID_JSON_SHAPE',
        span.name,
        `"${span.name}" is a nested ${c === OPEN_BRACE ? 'object' : 'array'}; send flat values`,
      );
    }
    entries.push([span.name, memberValue(text, span)]);
  }
  return error ? { entries, error } : { entries };
}

/**
 * The number literals of the object at `path` in a JSON text the caller already parsed (and bounded:
 * depth and size), keyed by member name, exactly as written. For values a JSON body gives as numbers
 * where text is meant (`"values": {"payout": 0.0000001}`): `JSON.parse` keeps only the double, whose
 * `toString` may differ from what was sent (`1e-7`). Members that are not numbers, and a path that does
 * not lead to an object, give nothing. Linear in the text, no recursion.
 */
export function jsonNumberTexts(text: string, path: readonly string[]): Map<string, string> {
  let open = skipSpace(text, 0);
  for (const key of path) {
    if (text.charCodeAt(open) !== OPEN_BRACE) return new Map();
    const member = memberSpans(text, open).findLast((span) => span.name === key);
    if (member === undefined) return new Map();
    open = member.start;
  }
  const numbers = new Map<string, string>();
  if (text.charCodeAt(open) !== OPEN_BRACE) return numbers;
  for (const span of memberSpans(text, open)) {
    const c = text.charCodeAt(span.start);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) numbers.set(span.name, text.slice(span.start, span.end));
  }
  return numbers;
}

function isMemberEnd(c: number): boolean {
  return c === COMMA || c === CLOSE_BRACE;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  return i;
}

/** End (exclusive) of the object or array starting at `start`, in a valid JSON text. */
function nestedEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = jsonStringEnd(text, i) - 1;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}
