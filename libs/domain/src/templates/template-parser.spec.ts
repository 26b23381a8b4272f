import type { TemplateKind } from './macros';
import { parseTemplate, type MacroSegment } from './template-parser';
import { TemplateError, type TemplateErrorCode } from './template.error';

function templateErrorOf(source: string, kind: TemplateKind): TemplateError {
  try {
    parseTemplate(source, kind, 'url');
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a TemplateError');
}

function expectRefused(source: string, kind: TemplateKind, code: TemplateErrorCode): TemplateError {
  const err = templateErrorOf(source, kind);
  expect(err.code).toBe(code);
  return err;
}

describe('parseTemplate', () => {
  it('splits text and macros', () => {
    expect(parseTemplate('https://x.example/?c={click_id}&s={sub1}', 'offer-url', 'url')).toEqual([
      { type: 'text', text: 'https://x.example/?c=' },
      { type: 'macro', token: '{click_id}', index: 21, name: 'click_id' },
      { type: 'text', text: '&s=' },
      { type: 'macro', token: '{sub1}', index: 34, name: 'sub1' },
    ]);
  });

  it('reads {postback.NAME}', () => {
    const [, macro] = parseTemplate('https://x.example/?a={postback.adv_sub1}', 'forward-url', 'url');
    expect(macro).toMatchObject({ name: 'postback.adv_sub1', postbackParam: 'adv_sub1' });
  });

  it('reads a value mapping with a default', () => {
    const [macro] = parseTemplate('{status:Approved=1,pending=2,*=0}', 'header', 'h') as MacroSegment[];
    expect(macro.name).toBe('status');
    expect([...macro.mapping!]).toEqual([
      ['approved', '1'],
      ['pending', '2'],
    ]);
    expect(macro.fallback).toBe('0');
  });

  it('treats the JSON braces of a body as text and finds only the macros', () => {
    const segments = parseTemplate('{"a":"{click_id}","b":{"c":1}}', 'json-body', 'body');
    expect(segments.filter((s) => s.type === 'macro')).toHaveLength(1);
    expect(segments.map((s) => (s.type === 'text' ? s.text : s.token)).join('')).toBe(
      '{"a":"{click_id}","b":{"c":1}}',
    );
  });

  it('refuses an unknown macro with a near-miss hint', () => {
    const err = expectRefused('https://x.example/?c={clickid}', 'offer-url', 'UNKNOWN_MACRO');
    expect(err.hint).toBe('did you mean {click_id}?');
    expect(err.token).toBe('{clickid}');
    expect(err.message).toBe(
      'UNKNOWN_MACRO: {clickid} in "url" is not a Ricochet macro (did you mean {click_id}?)',
    );
  });

  it('lists the macros when nothing is close', () => {
    expect(expectRefused('https://x.example/?c={banana}', 'forward-url', 'UNKNOWN_MACRO').hint).toContain(
      '{sub1}',
    );
  });

  it('refuses forward-only macros in an offer URL', () => {
    expectRefused('https://x.example/?p={payout}', 'offer-url', 'MACRO_NOT_ALLOWED');
    expectRefused('https://x.example/?p={postback.x}', 'offer-url', 'MACRO_NOT_ALLOWED');
  });

  it.each([
    ['https://x.example/?id=${SUBID}', '{ext_click_id}'],
    ['https://x.example/?id=[clickid]', '{ext_click_id}'],
    ['https://x.example/?id=#s2#', '{sub2}'],
    ['https://x.example/?a=[[payout]]', '{payout}'],
    ['https://x.example/?a=%sum%', '{payout}'],
    ['https://x.example/?a={{transaction_id}}', '{txid}'],
  ])('refuses the foreign token in %s and names our macro', (source, ours) => {
    expect(expectRefused(source, 'forward-url', 'FOREIGN_MACRO_SYNTAX').hint).toBe(`use ${ours}`);
  });

  it('points a foreign click id in an offer URL at {click_id}', () => {
    expect(expectRefused('https://x.example/?id=${SUBID}', 'offer-url', 'FOREIGN_MACRO_SYNTAX').hint).toBe(
      'use {click_id}',
    );
  });

  it('lists our macros for a foreign token it cannot map', () => {
    expect(
      expectRefused('https://x.example/?a=${ZONEX}', 'forward-url', 'FOREIGN_MACRO_SYNTAX').hint,
    ).toMatch(/^use \{…\} macros/);
  });

  it('refuses a macro with spaces, as Keitaro writes mappings', () => {
    const err = expectRefused(
      'https://x.example/?s={status:lead=0 sale=1}',
      'forward-url',
      'INVALID_MACRO_SYNTAX',
    );
    expect(err.hint).toContain('{status:approved=1,pending=2,rejected=3}');
  });

  it('refuses a macro that is never closed', () => {
    expectRefused('https://x.example/?c={click_id', 'offer-url', 'UNBALANCED_BRACE');
    expectRefused('{"a":"{click_id"}', 'json-body', 'UNBALANCED_BRACE');
  });

  it('refuses literal braces outside JSON bodies', () => {
    expect(expectRefused('https://x.example/?c=}', 'forward-url', 'UNBALANCED_BRACE').hint).toContain('%7D');
    expectRefused('a={', 'form-body', 'UNBALANCED_BRACE');
    expectRefused('{ x }', 'header', 'UNBALANCED_BRACE');
  });

  it.each(['{status:}', '{status:approved}', '{status:=1}', '{status:a=1,A=2}', '{status:*=1,*=2}'])(
    'refuses the malformed mapping %s',
    (source) => {
      expectRefused(source, 'header', 'INVALID_MACRO_SYNTAX');
    },
  );

  it.each(['{postback.}', `{postback.${'n'.repeat(65)}}`, '{postback.a+b}'])(
    'refuses the postback macro %s',
    (source) => {
      expectRefused(source, 'header', 'INVALID_MACRO_SYNTAX');
    },
  );

  it('stays linear on many unclosed-looking braces in a JSON body', () => {
    const body = `{"a":"${'{ '.repeat(30_000)}"}`;
    const started = Date.now();
    expect(parseTemplate(body, 'json-body', 'body')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
