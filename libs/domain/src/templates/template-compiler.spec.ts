import type { TemplateKind } from './macros';
import { compileTemplate } from './template-compiler';
import { TemplateError, type TemplateErrorCode } from './template.error';

function templateErrorOf(source: string, kind: TemplateKind, field?: string): TemplateError {
  try {
    compileTemplate(source, { kind, field });
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

describe('compileTemplate', () => {
  it('compiles an offer URL and lists its macros', () => {
    const compiled = compileTemplate('https://offer.example/lp?c={click_id}&s={sub1}&t={click_id}', {
      kind: 'offer-url',
    });
    expect(compiled.kind).toBe('offer-url');
    expect(compiled.macros).toEqual(['click_id', 'sub1']);
  });

  it('returns a frozen template that can be cached and shared', () => {
    const compiled = compileTemplate('https://x.example/?c={click_id}', { kind: 'offer-url' });
    expect(Object.isFrozen(compiled)).toBe(true);
    expect(Object.isFrozen(compiled.segments)).toBe(true);
  });

  it('quotes the caller’s field name in errors', () => {
    const err = templateErrorOf('https://x.example/?c={nope}', 'forward-url', 'endpoints[0].url');
    expect(err.param).toBe('endpoints[0].url');
    expect(err.message).toContain('"endpoints[0].url"');
  });

  describe('URLs', () => {
    it('accepts an http URL without macros', () => {
      expect(compileTemplate('http://partner.example/pb', { kind: 'forward-url' }).macros).toEqual([]);
    });

    it.each([
      'partner.example/pb?c={ext_click_id}',
      'ftp://partner.example/pb',
      '{sub1}',
      'javascript:alert(1)',
      'https://',
    ])('refuses %s as not an absolute http(s) URL', (source) => {
      expectRefused(source, 'forward-url', 'INVALID_URL_TEMPLATE');
    });

    it('refuses a macro in the host', () => {
      expectRefused('https://{sub1}.partner.example/pb', 'forward-url', 'INVALID_URL_TEMPLATE');
      expectRefused('https://partner.example{sub1}', 'forward-url', 'INVALID_URL_TEMPLATE');
    });

    it('refuses spaces and line breaks', () => {
      expectRefused('https://partner.example/pb?a=b c', 'forward-url', 'INVALID_URL_TEMPLATE');
      expectRefused('https://partner.example/pb?a={sub1}\n', 'offer-url', 'INVALID_URL_TEMPLATE');
    });

    it('refuses an over-long template', () => {
      expectRefused(`https://x.example/?a=${'a'.repeat(8200)}`, 'forward-url', 'TEMPLATE_TOO_LONG');
    });
  });

  describe('JSON bodies', () => {
    it('accepts string macros in quotes and numeric macros bare', () => {
      const compiled = compileTemplate(
        '{"id":"{ext_click_id}","amount":{payout},"at":{timestamp},"raw":{postback.amount},"s":{status:approved=1,rejected=0}}',
        { kind: 'json-body' },
      );
      expect(compiled.macros).toEqual(['ext_click_id', 'payout', 'timestamp', 'postback.amount', 'status']);
    });

    it('refuses a bare string macro', () => {
      const err = expectRefused('{"id":{click_id}}', 'json-body', 'INVALID_JSON_TEMPLATE');
      expect(err.hint).toContain('"{click_id}"');
    });

    it('refuses a bare mapping onto words', () => {
      expectRefused('{"s":{status:approved=yes}}', 'json-body', 'INVALID_JSON_TEMPLATE');
    });

    it('refuses a body that is not JSON', () => {
      expectRefused('{"id":"{click_id}",}', 'json-body', 'INVALID_JSON_TEMPLATE');
      expectRefused('id={click_id}', 'json-body', 'INVALID_JSON_TEMPLATE');
    });

    it('tracks escaped quotes inside JSON strings', () => {
      expect(compileTemplate('{"a":"say \\"hi\\" {sub1}"}', { kind: 'json-body' }).segments).toHaveLength(3);
      expectRefused('{"a":"\\"","b":{sub1}}', 'json-body', 'INVALID_JSON_TEMPLATE');
    });

    it('refuses a backslash that would escape a value', () => {
      expectRefused('{"a":"\\{sub1}"}', 'json-body', 'INVALID_JSON_TEMPLATE');
    });
  });

  describe('form bodies and headers', () => {
    it('accepts a form body', () => {
      expect(
        compileTemplate('click_id={ext_click_id}&amount={payout}', { kind: 'form-body' }).macros,
      ).toHaveLength(2);
    });

    it('refuses spaces in a form body', () => {
      expectRefused('a={sub1} &b=1', 'form-body', 'INVALID_FORM_TEMPLATE');
    });

    it('accepts spaces and tabs in a header but not line breaks', () => {
      expect(compileTemplate('Bearer\t{postback.key} x', { kind: 'header' }).macros).toEqual([
        'postback.key',
      ]);
      expectRefused('a\r\nX-Evil: 1', 'header', 'INVALID_HEADER_TEMPLATE');
    });

    it.each(['café {sub1}', 'x-{sub1}-☃', '\u00a0{sub1}'])(
      'refuses the non-ASCII header text %p (undici cannot send it)',
      (source) => {
        expectRefused(source, 'header', 'INVALID_HEADER_TEMPLATE');
      },
    );
  });
});
