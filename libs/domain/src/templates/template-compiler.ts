import { NUMERIC_MACROS, sampleMacroValues, type TemplateKind } from './macros';
import { parseTemplate, type MacroSegment, type TemplateSegment, type TextSegment } from './template-parser';
import {
  isJsonLiteral,
  renderTemplate,
  type CompiledMacroSegment,
  type CompiledTemplate,
} from './template-renderer';
import { TemplateError } from './template.error';

export interface CompileTemplateOptions {
  kind: TemplateKind;
  /** The field being saved, quoted in errors (default: `url`, `body` or `header` by kind). */
  field?: string;
}

/** Longest template per kind: URLs and headers 8 KiB (the intake's URL limit), bodies 64 KiB. */
export const TEMPLATE_MAX_LENGTH: Readonly<Record<TemplateKind, number>> = {
  'offer-url': 8192,
  'forward-url': 8192,
  'json-body': 65536,
  'form-body': 65536,
  header: 8192,
};

const DEFAULT_FIELD: Record<TemplateKind, string> = {
  'offer-url': 'url',
  'forward-url': 'url',
  'json-body': 'body',
  'form-body': 'body',
  header: 'header',
};

function isControl(c: number): boolean {
  return c < 0x20 || c === 0x7f;
}

/**
 * Parses and validates a template once; render it with `renderTemplate`. Validation
 * happens at save time so nothing invalid is ever sent:
 * - every macro exists and is allowed for the kind (offer URLs: click-side macros only);
 * - `offer-url`/`forward-url`: no spaces or control characters, starts with `http://` or `https://`,
 *   the scheme and host are literal (macros go in the path, query or fragment), and the template
 *   rendered with sample values is an absolute http(s) URL;
 * - `json-body`: string macros stand inside JSON strings; only `{payout}`, `{revenue}`,
 *   `{timestamp}`, `{postback.NAME}` and mappings onto JSON literals (`{status:approved=1,rejected=0}`)
 *   may stand unquoted; the body rendered with sample values parses as JSON;
 * - `form-body`: no spaces or control characters in the literal text;
 * - `header`: printable ASCII, space and tab only (every macro may appear; its value is percent-encoded
 *   outside visible ASCII when rendered, so what is saved is always sendable).
 *
 * @throws TemplateError with the code, the field, the offending token and a hint.
 */
export function compileTemplate(source: string, options: CompileTemplateOptions): CompiledTemplate {
  const { kind } = options;
  const field = options.field ?? DEFAULT_FIELD[kind];
  if (source.length > TEMPLATE_MAX_LENGTH[kind]) {
    throw new TemplateError(
      'TEMPLATE_TOO_LONG',
      field,
      `"${field}" is ${source.length} characters long; at most ${TEMPLATE_MAX_LENGTH[kind]} are allowed`,
    );
  }
  const parsed = parseTemplate(source, kind, field);
  const segments = kind === 'json-body' ? placeJsonMacros(parsed, field) : parsed.map(notJson);
  const compiled: CompiledTemplate = Object.freeze({
    kind,
    source,
    segments: Object.freeze(segments.map((s) => Object.freeze(s))),
    macros: Object.freeze([...new Set(segments.flatMap((s) => (s.type === 'macro' ? [s.name] : [])))]),
  });

  switch (kind) {
    case 'offer-url':
    case 'forward-url':
      checkUrl(compiled, field);
      break;
    case 'json-body':
      checkJson(compiled, field);
      break;
    case 'form-body':
      checkLiteralText(
        compiled,
        field,
        'INVALID_FORM_TEMPLATE',
        (c) => isControl(c) || c === 0x20,
        'percent-encode it (%20 or +)',
      );
      break;
    case 'header':
      checkLiteralText(
        compiled,
        field,
        'INVALID_HEADER_TEMPLATE',
        (c) => (isControl(c) && c !== 0x09) || c > 0x7e,
        'a header value is one line of ASCII; macro values are percent-encoded when they are not',
      );
      break;
  }
  return compiled;
}

function notJson(segment: TemplateSegment): TextSegment | CompiledMacroSegment {
  return segment.type === 'text' ? segment : { ...segment, jsonBare: false };
}

function checkLiteralText(
  compiled: CompiledTemplate,
  field: string,
  code: 'INVALID_FORM_TEMPLATE' | 'INVALID_HEADER_TEMPLATE' | 'INVALID_URL_TEMPLATE',
  forbidden: (c: number) => boolean,
  hint: string,
): void {
  const source = compiled.source;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (forbidden(c)) {
      const point = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
      const what =
        c === 0x20 ? 'a space' : isControl(c) ? `the control character ${point}` : `the character ${point}`;
      throw new TemplateError(
        code,
        field,
        `"${field}" contains ${what} at position ${i}`,
        hint,
        source[i],
        i,
      );
    }
  }
}

function checkUrl(compiled: CompiledTemplate, field: string): void {
  const isSpace = (c: number) => isControl(c) || c === 0x20;
  checkLiteralText(compiled, field, 'INVALID_URL_TEMPLATE', isSpace, 'percent-encode it (a space is %20)');
  const first = compiled.segments[0];
  const prefix = first?.type === 'text' ? first.text : '';
  const lower = prefix.toLowerCase();
  if (!lower.startsWith('http://') && !lower.startsWith('https://')) {
    throw new TemplateError(
      'INVALID_URL_TEMPLATE',
      field,
      `"${field}" must be an absolute URL starting with http:// or https://`,
      'like https://partner.example/postback?click_id={ext_click_id}',
    );
  }
  const afterScheme = prefix.slice(prefix.indexOf('://') + 3);
  const hostIsLiteral = compiled.macros.length === 0 || /[/?#]/.test(afterScheme);
  if (!hostIsLiteral) {
    throw new TemplateError(
      'INVALID_URL_TEMPLATE',
      field,
      `"${field}" must spell out its host; macros may appear in the path, query or fragment only`,
      'like https://partner.example/pb?sub={sub1}',
    );
  }
  const rendered = renderTemplate(compiled, sampleMacroValues());
  let url: URL | undefined;
  try {
    url = new URL(rendered);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new TemplateError(
      'INVALID_URL_TEMPLATE',
      field,
      `"${field}" is not a valid http(s) URL once rendered with sample values: ${JSON.stringify(rendered.slice(0, 200))}`,
    );
  }
}

/** Marks each macro of a JSON body as inside a JSON string or bare, and refuses bare string macros. */
function placeJsonMacros(segments: TemplateSegment[], field: string): (TextSegment | CompiledMacroSegment)[] {
  let inString = false;
  let escaped = false;
  return segments.map((segment) => {
    if (segment.type === 'text') {
      for (const c of segment.text) {
        if (!inString) inString = c === '"';
        else if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      }
      return segment;
    }
    if (escaped) {
      throw new TemplateError(
        'INVALID_JSON_TEMPLATE',
        field,
        `a backslash right before ${segment.token} in "${field}" would escape the value's first character`,
        'remove the backslash',
        segment.token,
        segment.index,
      );
    }
    if (!inString && !mayStandBare(segment)) {
      throw new TemplateError(
        'INVALID_JSON_TEMPLATE',
        field,
        `${segment.token} in "${field}" stands outside a JSON string`,
        `write "${segment.token}" in quotes; only {payout}, {revenue}, {timestamp}, {postback.NAME} and ` +
          'mappings onto numbers may stand unquoted',
        segment.token,
        segment.index,
      );
    }
    return { ...segment, jsonBare: !inString };
  });
}

function mayStandBare(segment: MacroSegment): boolean {
  if (NUMERIC_MACROS.has(segment.name) || segment.postbackParam !== undefined) return true;
  if (!segment.mapping) return false;
  const outputs = [
    ...segment.mapping.values(),
    ...(segment.fallback === undefined ? [] : [segment.fallback]),
  ];
  return outputs.every(isJsonLiteral);
}

function checkJson(compiled: CompiledTemplate, field: string): void {
  const rendered = renderTemplate(compiled, sampleMacroValues());
  try {
    JSON.parse(rendered);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new TemplateError(
      'INVALID_JSON_TEMPLATE',
      field,
      `"${field}" is not valid JSON once rendered with sample values: ${reason}`,
      'check quotes, commas and braces; string macros go inside quotes, like {"id":"{click_id}"}',
    );
  }
}
