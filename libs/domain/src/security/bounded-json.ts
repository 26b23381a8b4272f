/** Deepest JSON nesting any request body may have (objects and arrays count alike). */
export const MAX_JSON_DEPTH = 32;

/** Stable machine codes of {@link JsonInputError}; every one is an HTTP 400. */
export const JSON_INPUT_ERROR_CODES = [
  'INVALID_JSON',
  'JSON_TOO_DEEP',
  'DUPLICATE_JSON_KEY',
  'FORBIDDEN_JSON_KEY',
] as const;
export type JsonInputErrorCode = (typeof JSON_INPUT_ERROR_CODES)[number];

/**
 * A JSON request body refused before anything walks it: malformed, nested deeper than
 * {@link MAX_JSON_DEPTH}, with a key repeated in one object (which value would count is a parser's
 * whim), or with a key that reaches an object prototype. `param` is the path of the offending key.
 */
export class JsonInputError extends Error {
  override readonly name = 'JsonInputError';

  constructor(
    readonly code: JsonInputErrorCode,
    readonly detail: string,
    readonly param?: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** True for a JsonInputError, also across module copies (checks the stable `name`). */
export function isJsonInputError(err: unknown): err is JsonInputError {
  return err instanceof JsonInputError || (err instanceof Error && err.name === 'JsonInputError');
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * The deepest nesting of `text` read as JSON, counting only brackets outside strings, in one pass and
 * without recursion. Stops as soon as `limit` is exceeded (returns `limit + 1`), so a hostile body
 * costs at most one scan. Meant for text that has not been parsed yet; it does not validate it.
 */
export function jsonNestingDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/** @throws JsonInputError JSON_TOO_DEEP */
export function assertJsonDepth(text: string, limit = MAX_JSON_DEPTH): void {
  if (jsonNestingDepth(text, limit) > limit) {
    throw new JsonInputError(
      'JSON_TOO_DEEP',
      `the JSON body is nested more than ${limit} levels deep; send a flatter document`,
    );
  }
}

/** End index (exclusive) of the JSON string token starting at `start` (a `"`). */
export function jsonStringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return text.length;
}

export function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

interface Frame {
  kind: 'object' | 'array';
  keys: Set<string>;
  path: string;
  /** Key of the member being read (objects), to build child paths. */
  key?: string;
  index: number;
}

/**
 * Walks text that is already known to be valid JSON, nested at most {@link MAX_JSON_DEPTH} levels,
 * with an explicit stack, and refuses a key repeated within one object and the keys `__proto__` and
 * `constructor.prototype` (what secure-json-parse refuses). Linear in the text's length.
 *
 * @throws JsonInputError DUPLICATE_JSON_KEY, FORBIDDEN_JSON_KEY
 */
export function assertUniqueJsonKeys(text: string): void {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === QUOTE) {
      const end = jsonStringEnd(text, i);
      let j = end;
      while (j < text.length && isJsonSpace(text.charCodeAt(j))) j++;
      if (top?.kind === 'object' && text.charCodeAt(j) === 0x3a) {
        const key = JSON.parse(text.slice(i, end)) as string;
        const path = top.path === '' ? key : `${top.path}.${key}`;
        if (key === '__proto__' || (key === 'prototype' && /(^|\.)constructor$/.test(top.path))) {
          throw new JsonInputError('FORBIDDEN_JSON_KEY', `the key "${path}" is not allowed`, path);
        }
        if (top.keys.has(key)) {
          throw new JsonInputError(
            'DUPLICATE_JSON_KEY',
            `"${path}" appears twice in one object; send each key once`,
            path,
          );
        }
        top.keys.add(key);
        top.key = key;
      }
      i = end - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const parentPath =
        top === undefined
          ? ''
          : top.kind === 'object'
            ? childPath(top.path, top.key ?? '')
            : `${top.path}[${top.index}]`;
      stack.push({
        kind: c === OPEN_BRACE ? 'object' : 'array',
        keys: new Set(),
        path: parentPath,
        index: 0,
      });
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.key = undefined;
    } else if (c === 0x2c && top !== undefined) {
      if (top.kind === 'array') top.index++;
      else top.key = undefined;
    }
  }
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Parses a JSON request body safely: the nesting is checked before anything recursive runs, then the
 * text is parsed, then repeated and prototype keys are refused.
 *
 * @throws JsonInputError INVALID_JSON, JSON_TOO_DEEP, DUPLICATE_JSON_KEY, FORBIDDEN_JSON_KEY
 */
export function parseBoundedJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  assertJsonDepth(text, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new JsonInputError('INVALID_JSON', `the body is not valid JSON: ${reason.slice(0, 200)}`);
  }
  assertUniqueJsonKeys(text);
  return value;
}
