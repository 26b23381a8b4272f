import type { TemplateKind } from './macros';

/** Another tracker's placeholder found in a template. */
export interface ForeignToken {
  /** As written: `${SUBID}`, `[clickid]`, `#s2#` … */
  readonly token: string;
  /** The name inside the delimiters: `SUBID`, `clickid`, `s2` … */
  readonly name: string;
  readonly index: number;
}

const MAX_NAME_LENGTH = 64;

/** JSON keywords: `[true]` in a JSON body is an array, not a placeholder. */
const JSON_WORDS: ReadonlySet<string> = new Set(['true', 'false', 'null']);

type CharTest = (c: number) => boolean;

const isLetter: CharTest = (c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit: CharTest = (c) => c >= 0x30 && c <= 0x39;
const isWordStart: CharTest = (c) => isLetter(c) || c === 0x5f;
const isWord: CharTest = (c) => isWordStart(c) || isDigit(c);
const isNamePart: CharTest = (c) => isWord(c) || c === 0x2e || c === 0x2d; // . -
const isHex: CharTest = (c) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** End of a name starting at `start` (1–64 characters), or -1 when there is none. */
function nameEnd(s: string, start: number, first: CharTest, rest: CharTest): number {
  if (start >= s.length || !first(s.charCodeAt(start))) return -1;
  let i = start + 1;
  while (i < s.length && rest(s.charCodeAt(i))) {
    if (i - start >= MAX_NAME_LENGTH) return -1;
    i++;
  }
  return i;
}

function token(s: string, start: number, end: number, nameStart: number, nameStop: number): ForeignToken {
  return { token: s.slice(start, end), name: s.slice(nameStart, nameStop), index: start };
}

/**
 * Finds the first placeholder written in another tracker's syntax, in one linear pass:
 * `${NAME}` (PropellerAds), `{{NAME}}`, `[[NAME]]` (Prosper202), `[NAME]` (RichAds), `#NAME#` (CAKE),
 * `%NAME%` (Airpush) and `@@NAME@@`. Pasted from a partner's docs they would otherwise be sent
 * literally, the field's most common silent failure.
 *
 * Not flagged, so real URLs and bodies pass: percent-escapes (`%20`, `%C3%A9t%C3%A9`; a `%` followed by
 * two hex digits is always read as an escape, so `%date%` slips through as `%da` + `te%`), fragments
 * (`#section` has no closing `#`), bracketed parameter names (`data[clickid]=`, `a[b][c]=`), IPv6 hosts
 * (`[::1]`), and in JSON bodies the arrays `[true]`, `[false]`, `[null]`. A bracketed word inside a JSON
 * string (`"[note]"`) is flagged; write it with `\u005b` if it is really meant.
 */
export function findForeignToken(source: string, kind: TemplateKind): ForeignToken | undefined {
  const s = source;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const next = s[i + 1];
    let end: number;
    switch (c) {
      case '$':
        if (next === '{') {
          end = nameEnd(s, i + 2, isWordStart, isNamePart);
          if (end > 0 && s[end] === '}') return token(s, i, end + 1, i + 2, end);
        }
        break;
      case '{':
        if (next === '{') {
          end = nameEnd(s, i + 2, isWordStart, isNamePart);
          if (end > 0 && s[end] === '}' && s[end + 1] === '}') return token(s, i, end + 2, i + 2, end);
        }
        break;
      case '[':
        if (next === '[') {
          end = nameEnd(s, i + 2, isWordStart, isNamePart);
          if (end > 0 && s[end] === ']' && s[end + 1] === ']') return token(s, i, end + 2, i + 2, end);
        } else {
          end = nameEnd(s, i + 1, isWordStart, isNamePart);
          const after = s[end + 1];
          if (end > 0 && s[end] === ']' && after !== '=' && after !== '[') {
            const name = s.slice(i + 1, end);
            if (!(kind === 'json-body' && JSON_WORDS.has(name))) return token(s, i, end + 1, i + 1, end);
          }
        }
        break;
      case '#':
        end = nameEnd(s, i + 1, isWord, isWord);
        if (end > 0 && s[end] === '#') return token(s, i, end + 1, i + 1, end);
        break;
      case '%':
        if (isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
          i += 2;
          break;
        }
        end = nameEnd(s, i + 1, isWordStart, isWord);
        if (end > 0 && s[end] === '%') return token(s, i, end + 1, i + 1, end);
        break;
      case '@':
        if (next === '@') {
          end = nameEnd(s, i + 2, isWordStart, isNamePart);
          if (end > 0 && s[end] === '@' && s[end + 1] === '@') return token(s, i, end + 2, i + 2, end);
        }
        break;
    }
  }
  return undefined;
}
