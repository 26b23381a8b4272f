import { findForeignToken } from './foreign-syntax';
import { equivalentMacro, macroListHint, suggestMacro } from './macro-hints';
import { allowedMacros, FORWARD_MACROS, POSTBACK_MACRO_PREFIX, type TemplateKind } from './macros';
import { TemplateError, type TemplateErrorCode } from './template.error';

/** Literal template text, copied to the output unchanged. */
export interface TextSegment {
  readonly type: 'text';
  readonly text: string;
}

/** One `{macro}` occurrence. */
export interface MacroSegment {
  readonly type: 'macro';
  /** As written, e.g. `{status:approved=1,pending=2}`. */
  readonly token: string;
  readonly index: number;
  /** `status`, `sub1`, or `postback.NAME`. */
  readonly name: string;
  /** NAME of `{postback.NAME}`. */
  readonly postbackParam?: string;
  /** Value mapping, keys lower-cased: `{status:approved=1}` → `approved` → `1`. */
  readonly mapping?: ReadonlyMap<string, string>;
  /** The `*=` entry of a mapping: replaces any value the mapping does not list, the empty one too. */
  readonly fallback?: string;
}

export type TemplateSegment = TextSegment | MacroSegment;

/** Longest `{…}` token, mapping included; a `{` not closed within it is refused. */
const MAX_MACRO_LENGTH = 512;
const MAX_POSTBACK_PARAM_LENGTH = 64;
const MAPPING_HINT =
  'write value=replacement pairs separated by commas, like {status:approved=1,pending=2,rejected=3}';

function isMacroStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_');
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

function isPostbackParamChar(c: string): boolean {
  return (
    (c >= 'A' && c <= 'Z') ||
    (c >= 'a' && c <= 'z') ||
    (c >= '0' && c <= '9') ||
    c === '_' ||
    c === '.' ||
    c === '-'
  );
}

function excerpt(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Splits a template into literal text and `{macro}` tokens, validating every macro for `kind`.
 *
 * The tokenizer rule, the same for every kind: a `{` starts a macro only when the next character is a
 * letter or `_` and a `}` closes it before any `"`, whitespace or other `{`. In a JSON body every other
 * brace is literal JSON, so `{"a":"{click_id}"}` has exactly one macro. In URLs, form bodies and
 * headers a literal brace is refused (write `%7B`/`%7D` in a URL); there is no escape syntax. A `{`
 * followed by a letter that never closes is refused in every kind, so `{status:lead=0 sale=1}`
 * (Keitaro's spaces) cannot slip through as text.
 *
 * Macro syntax: `{name}`, `{postback.NAME}` with NAME = `[A-Za-z0-9_.-]{1,64}`, and value mapping on
 * any macro, `{status:approved=1,pending=2,rejected=3}`: keys match the value case-insensitively, a
 * value the mapping does not list passes through unchanged unless a `*=default` entry says otherwise.
 *
 * @throws TemplateError FOREIGN_MACRO_SYNTAX, UNKNOWN_MACRO, MACRO_NOT_ALLOWED, INVALID_MACRO_SYNTAX,
 * UNBALANCED_BRACE.
 */
export function parseTemplate(source: string, kind: TemplateKind, field: string): TemplateSegment[] {
  const foreign = findForeignToken(source, kind);
  if (foreign) {
    const ours = equivalentMacro(foreign.name, kind);
    throw new TemplateError(
      'FOREIGN_MACRO_SYNTAX',
      field,
      `"${foreign.token}" in "${field}" is another tracker's placeholder syntax and would be sent literally`,
      ours ? `use {${ours}}` : macroListHint(kind),
      foreign.token,
      foreign.index,
    );
  }

  const segments: TemplateSegment[] = [];
  const literalBraces = kind === 'json-body';
  let textStart = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '{' && isMacroStart(source[i + 1])) {
      let j = i + 1;
      while (j < source.length && j - i <= MAX_MACRO_LENGTH) {
        const d = source[j];
        if (d === '}' || d === '"' || d === '{' || isSpace(d)) break;
        j++;
      }
      if (source[j] !== '}') throw unclosedMacro(source, i, j, field);
      if (i > textStart) segments.push({ type: 'text', text: source.slice(textStart, i) });
      segments.push(parseMacro(source.slice(i, j + 1), i, kind, field));
      i = j + 1;
      textStart = i;
      continue;
    }
    if ((c === '{' || c === '}') && !literalBraces) {
      throw new TemplateError(
        'UNBALANCED_BRACE',
        field,
        `"${field}" has a "${c}" at position ${i} that is not part of a {macro}`,
        kind === 'header'
          ? 'headers cannot carry literal braces'
          : `macros look like {click_id}; write a literal brace as ${c === '{' ? '%7B' : '%7D'}`,
        c,
        i,
      );
    }
    i++;
  }
  if (textStart < source.length) segments.push({ type: 'text', text: source.slice(textStart) });
  return segments;
}

function unclosedMacro(source: string, start: number, stop: number, field: string): TemplateError {
  const text = excerpt(source.slice(start, stop));
  if (stop < source.length && isSpace(source[stop])) {
    return new TemplateError(
      'INVALID_MACRO_SYNTAX',
      field,
      `"${text}" in "${field}" contains a space; macros are written without spaces`,
      MAPPING_HINT,
      text,
      start,
    );
  }
  return new TemplateError(
    'UNBALANCED_BRACE',
    field,
    `"${text}" in "${field}" is not closed with "}"`,
    'close the macro, like {click_id}',
    text,
    start,
  );
}

function macroError(
  code: TemplateErrorCode,
  token: string,
  index: number,
  field: string,
  detail: string,
  hint?: string,
) {
  return new TemplateError(code, field, detail, hint, token, index);
}

function parseMacro(token: string, index: number, kind: TemplateKind, field: string): MacroSegment {
  const content = token.slice(1, -1);
  const colon = content.indexOf(':');
  const name = colon < 0 ? content : content.slice(0, colon);
  const where = `${token} in "${field}"`;
  let postbackParam: string | undefined;

  if (name.startsWith(POSTBACK_MACRO_PREFIX)) {
    postbackParam = name.slice(POSTBACK_MACRO_PREFIX.length);
    if (kind === 'offer-url') {
      throw macroError(
        'MACRO_NOT_ALLOWED',
        token,
        index,
        field,
        `${where}: postback parameters are not known at click time`,
        macroListHint(kind),
      );
    }
    const valid =
      postbackParam.length >= 1 &&
      postbackParam.length <= MAX_POSTBACK_PARAM_LENGTH &&
      [...postbackParam].every(isPostbackParamChar);
    if (!valid) {
      throw macroError(
        'INVALID_MACRO_SYNTAX',
        token,
        index,
        field,
        `${where}: the parameter name must be 1 to ${MAX_POSTBACK_PARAM_LENGTH} characters from A-Z a-z 0-9 _ . -`,
        'write it like {postback.adv_sub1}',
      );
    }
  } else if (!allowedMacros(kind).includes(name)) {
    if ((FORWARD_MACROS as readonly string[]).includes(name)) {
      throw macroError(
        'MACRO_NOT_ALLOWED',
        token,
        index,
        field,
        `${where}: {${name}} is not known at click time`,
        macroListHint(kind),
      );
    }
    throw macroError(
      'UNKNOWN_MACRO',
      token,
      index,
      field,
      `${where} is not a Ricochet macro`,
      suggestMacro(name, kind) ?? macroListHint(kind),
    );
  }

  const segment: { -readonly [K in keyof MacroSegment]: MacroSegment[K] } = {
    type: 'macro',
    token,
    index,
    name,
  };
  if (postbackParam !== undefined) segment.postbackParam = postbackParam;
  if (colon >= 0) {
    const mapping = new Map<string, string>();
    for (const entry of content.slice(colon + 1).split(',')) {
      const eq = entry.indexOf('=');
      const key = eq < 0 ? '' : entry.slice(0, eq).toLowerCase();
      if (key === '') {
        throw macroError(
          'INVALID_MACRO_SYNTAX',
          token,
          index,
          field,
          `${where}: "${entry}" is not a value=replacement pair`,
          MAPPING_HINT,
        );
      }
      if (key === '*' ? segment.fallback !== undefined : mapping.has(key)) {
        throw macroError(
          'INVALID_MACRO_SYNTAX',
          token,
          index,
          field,
          `${where}: "${key}" is mapped twice`,
          MAPPING_HINT,
        );
      }
      if (key === '*') segment.fallback = entry.slice(eq + 1);
      else mapping.set(key, entry.slice(eq + 1));
    }
    segment.mapping = mapping;
  }
  return segment;
}
