import type { MacroName, MacroValues, TemplateKind } from './macros';
import type { MacroSegment, TextSegment } from './template-parser';

/** A macro of a compiled template, with where it sits in a JSON body. */
export interface CompiledMacroSegment extends MacroSegment {
  /** JSON bodies only: the macro stands outside a JSON string and renders as a JSON value. */
  readonly jsonBare: boolean;
}

/**
 * A template parsed and validated once by `compileTemplate`, rendered many times by
 * {@link renderTemplate}. Immutable (frozen), so one instance can be cached per (kind, source) and
 * shared by every request.
 */
export interface CompiledTemplate {
  readonly kind: TemplateKind;
  readonly source: string;
  readonly segments: readonly (TextSegment | CompiledMacroSegment)[];
  /** The distinct macro names the template uses, in order of first use (`postback.NAME` included). */
  readonly macros: readonly string[];
}

type Encoder = (value: string, segment: CompiledMacroSegment) => string;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const FORM_EXTRA = /[!'()~]/g;
const SPACE_ESCAPE = /%20/g;
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** `encodeURIComponent` that never throws: a lone surrogate becomes U+FFFD first. */
function encodeUriComponentSafe(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

/** application/x-www-form-urlencoded, byte-for-byte what `URLSearchParams` writes. */
function encodeFormComponent(value: string): string {
  return encodeUriComponentSafe(value)
    .replace(FORM_EXTRA, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(SPACE_ESCAPE, '+');
}

/**
 * Header values carry visible ASCII only: every character outside `!`…`~` (space, tab, controls,
 * non-ASCII) and `%` itself is percent-encoded as UTF-8 (`café ☃` → `caf%C3%A9%20%E2%98%83`), so any
 * value is sendable, cannot split the header, and decodes back exactly.
 */
export function encodeHeaderValue(value: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x20 && c < 0x7f && c !== 0x25) continue;
    out += value.slice(start, i);
    if (c < 0x80) {
      out += `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
      start = i + 1;
    } else {
      // A surrogate pair is one character: encode both halves together.
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < value.length ? 2 : 1;
      out += encodeUriComponentSafe(value.slice(i, i + pair));
      i += pair - 1;
      start = i + 1;
    }
  }
  return start === 0 ? value : out + value.slice(start);
}

/** True for text that is already a JSON scalar literal: a number, `true`, `false` or `null`. */
export function isJsonLiteral(value: string): boolean {
  return value === 'true' || value === 'false' || value === 'null' || JSON_NUMBER.test(value);
}

function encodeJson(value: string, segment: CompiledMacroSegment): string {
  if (!segment.jsonBare) return JSON.stringify(value).slice(1, -1);
  if (value === '') return 'null';
  return isJsonLiteral(value) ? value : JSON.stringify(value);
}

const ENCODERS: Record<TemplateKind, Encoder> = {
  'offer-url': encodeUriComponentSafe,
  'forward-url': encodeUriComponentSafe,
  'form-body': encodeFormComponent,
  'json-body': encodeJson,
  header: encodeHeaderValue,
};

function postbackValue(
  params: Readonly<Record<string, string>> | undefined,
  name: string,
): string | undefined {
  if (!params) return undefined;
  if (Object.hasOwn(params, name)) return params[name];
  const wanted = name.toLowerCase();
  for (const key of Object.keys(params)) {
    if (key.toLowerCase() === wanted) return params[key];
  }
  return undefined;
}

function macroValue(segment: MacroSegment, values: MacroValues): string {
  const raw =
    (segment.postbackParam !== undefined
      ? postbackValue(values.postback, segment.postbackParam)
      : values[segment.name as MacroName]) ?? '';
  if (!segment.mapping) return raw;
  return segment.mapping.get(raw.toLowerCase()) ?? segment.fallback ?? raw;
}

/**
 * Renders a compiled template. Every macro value is encoded for the template's kind:
 * - URLs: `encodeURIComponent` (space → `%20`; `&`, `+`, `#`, `/`, `=` and non-ASCII all escaped), so
 *   a value always decodes back exactly and can never add a parameter;
 * - form bodies: application/x-www-form-urlencoded (space → `+`), as `URLSearchParams` writes it;
 * - JSON bodies: JSON string escaping inside quotes; an unquoted macro renders as a JSON value — the
 *   value itself when it is a number/`true`/`false`/`null`, `null` when empty, else a quoted string —
 *   so the body stays valid JSON whatever the value;
 * - headers: visible ASCII kept, everything else (space, controls, non-ASCII) and `%` percent-encoded
 *   ({@link encodeHeaderValue}), so a value never makes a header unsendable.
 *
 * A missing value renders as empty text, never as the literal `{macro}`. Mapped macros translate the
 * value first, and the translation is encoded the same way.
 */
export function renderTemplate(compiled: CompiledTemplate, values: MacroValues): string {
  const encode = ENCODERS[compiled.kind];
  let out = '';
  for (const segment of compiled.segments) {
    out += segment.type === 'text' ? segment.text : encode(macroValue(segment, values), segment);
  }
  return out;
}
