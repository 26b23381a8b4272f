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

/** Reads the members of a valid JSON object text. */
function readMembers(text: string): JsonParamsReading {
  const entries: [string, string][] = [];
  let error: PostbackParamError | undefined;
  let i = skipSpace(text, 0) + 1; // past `{`
  for (;;) {
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== QUOTE) break; // `}` of an empty object
    const keyEnd = jsonStringEnd(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd) + 1; // past `:`
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    let end: number;
    let value: string;
    if (c === QUOTE) {
      end = jsonStringEnd(text, i);
      value = JSON.parse(text.slice(i, end)) as string;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      end = nestedEnd(text, i);
      value = text.slice(i, end);
      error ??= new PostbackParamError(
        'INVALID_JSON_SHAPE',
        name,
        `"${name}" is a nested ${c === OPEN_BRACE ? 'object' : 'array'}; send flat values`,
      );
    } else {
      end = i;
      while (end < text.length && !isJsonSpace(text.charCodeAt(end)) && !isMemberEnd(text.charCodeAt(end)))
        end++;
      const literal = text.slice(i, end);
      value = literal === 'null' ? '' : literal;
    }
    entries.push([name, value]);
    i = skipSpace(text, end);
    if (text.charCodeAt(i) !== COMMA) break;
    i++;
  }
  return error ? { entries, error } : { entries };
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
