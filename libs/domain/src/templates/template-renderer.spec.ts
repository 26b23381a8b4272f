import { sampleMacroValues, type MacroValues } from './macros';
import { compileTemplate } from './template-compiler';
import { isJsonLiteral, renderTemplate } from './template-renderer';

const nasty = 'café 日本 & a+b=c #frag /path?x=1 100%';
const longSub = 's'.repeat(500);

describe('renderTemplate', () => {
  describe('URLs', () => {
    const compiled = compileTemplate(
      'https://partner.example/pb?cid={ext_click_id}&s1={sub1}&s2={sub2}&p={payout}&x={postback.note}',
      { kind: 'forward-url' },
    );

    it('percent-encodes every value so it decodes back exactly', () => {
      const values: MacroValues = {
        ext_click_id: nasty,
        sub1: longSub,
        sub2: '+ +',
        payout: '12.50',
        postback: { note: '日本&x=1' },
      };
      const url = new URL(renderTemplate(compiled, values));
      expect(url.searchParams.get('cid')).toBe(nasty);
      expect(url.searchParams.get('s1')).toBe(longSub);
      expect(url.searchParams.get('s2')).toBe('+ +');
      expect(url.searchParams.get('p')).toBe('12.50');
      expect(url.searchParams.get('x')).toBe('日本&x=1');
      expect([...url.searchParams.keys()]).toEqual(['cid', 's1', 's2', 'p', 'x']);
    });

    it('encodes spaces as %20 and never leaves & + # / raw', () => {
      const rendered = renderTemplate(compiled, { ext_click_id: 'a b&c+d#e/f' });
      expect(rendered).toContain('cid=a%20b%26c%2Bd%23e%2Ff&');
    });

    it('renders missing values as empty text, never as the macro', () => {
      expect(renderTemplate(compiled, {})).toBe('https://partner.example/pb?cid=&s1=&s2=&p=&x=');
    });

    it('survives a lone surrogate', () => {
      expect(renderTemplate(compiled, { sub1: 'a\uD800b' })).toContain('s1=a%EF%BF%BDb');
    });

    it('reads postback parameters case-insensitively when the exact name is absent', () => {
      expect(renderTemplate(compiled, { postback: { NOTE: 'n' } })).toContain('x=n');
    });

    it('never reads inherited properties as postback parameters', () => {
      const proto = compileTemplate('https://p.example/?x={postback.constructor}', { kind: 'forward-url' });
      expect(renderTemplate(proto, { postback: {} })).toBe('https://p.example/?x=');
    });
  });

  describe('value mapping', () => {
    const compiled = compileTemplate('https://p.example/?s={status:approved=1,pending=2,rejected=3}', {
      kind: 'forward-url',
    });

    it('maps the value', () => {
      expect(renderTemplate(compiled, { status: 'pending' })).toBe('https://p.example/?s=2');
    });

    it('passes an unmapped value through', () => {
      expect(renderTemplate(compiled, { status: 'other' })).toBe('https://p.example/?s=other');
    });

    it('uses the * default for unmapped and missing values', () => {
      const withDefault = compileTemplate('https://p.example/?s={status:approved=ok,*=no%20way}', {
        kind: 'forward-url',
      });
      expect(renderTemplate(withDefault, { status: 'pending' })).toBe('https://p.example/?s=no%2520way');
      expect(renderTemplate(withDefault, {})).toBe('https://p.example/?s=no%2520way');
    });
  });

  describe('form bodies', () => {
    it('writes what URLSearchParams writes', () => {
      const compiled = compileTemplate('cid={ext_click_id}&s={sub1}', { kind: 'form-body' });
      const value = `${nasty} !'()*~`;
      const rendered = renderTemplate(compiled, { ext_click_id: value, sub1: longSub });
      expect(rendered).toBe(new URLSearchParams({ cid: value, s: longSub }).toString());
      expect(new URLSearchParams(rendered).get('cid')).toBe(value);
    });
  });

  describe('JSON bodies', () => {
    const compiled = compileTemplate(
      '{"cid":"{ext_click_id}","amount":{payout},"at":{timestamp},"raw":{postback.v},"s":{status:approved=1,*=0}}',
      { kind: 'json-body' },
    );

    it('escapes string values and leaves numbers bare', () => {
      const value = `${nasty} "quoted" \\ \n\u2028`;
      const body = JSON.parse(
        renderTemplate(compiled, {
          ext_click_id: value,
          payout: '12.50',
          timestamp: '1767225600',
          status: 'approved',
          postback: { v: '7' },
        }),
      );
      expect(body).toEqual({ cid: value, amount: 12.5, at: 1767225600, raw: 7, s: 1 });
    });

    it('keeps the body valid when bare values are missing or not numbers', () => {
      const body = JSON.parse(renderTemplate(compiled, { postback: { v: 'abc"}' } }));
      expect(body).toEqual({ cid: '', amount: null, at: null, raw: 'abc"}', s: 0 });
    });

    it('renders the exact money text', () => {
      expect(renderTemplate(compiled, { payout: '0.30' })).toContain('"amount":0.30,');
    });
  });

  describe('headers', () => {
    it('percent-encodes line breaks, control characters and spaces, so a value cannot split the header', () => {
      const compiled = compileTemplate('Bearer {postback.auth_value}', { kind: 'header' });
      expect(renderTemplate(compiled, { postback: { auth_value: 'a b\r\nX-Evil: 1\u0000\tz' } })).toBe(
        'Bearer a%20b%0D%0AX-Evil:%201%00%09z',
      );
    });

    it('percent-encodes non-ASCII values as UTF-8 and % itself, so they decode back exactly', () => {
      const compiled = compileTemplate('{sub2}', { kind: 'header' });
      const rendered = renderTemplate(compiled, { sub2: 'café ☃ 50% 😀' });
      expect(rendered).toBe('caf%C3%A9%20%E2%98%83%2050%25%20%F0%9F%98%80');
      expect(decodeURIComponent(rendered)).toBe('café ☃ 50% 😀');
      expect(rendered).toMatch(/^[\x21-\x7e]*$/);
    });

    it('keeps visible ASCII as is', () => {
      const compiled = compileTemplate('k-{txid}', { kind: 'header' });
      expect(renderTemplate(compiled, { txid: 'A/b+c=d:e;f,g"h' })).toBe('k-A/b+c=d:e;f,g"h');
    });

    it('turns a lone surrogate into U+FFFD instead of throwing', () => {
      const compiled = compileTemplate('{sub1}', { kind: 'header' });
      expect(renderTemplate(compiled, { sub1: 'a\ud800b' })).toBe('a%EF%BF%BDb');
    });
  });

  it('renders every kind with the sample values', () => {
    const compiled = compileTemplate('https://p.example/?c={click_id}', { kind: 'offer-url' });
    expect(renderTemplate(compiled, sampleMacroValues())).toBe('https://p.example/?c=c7Hq2LmN0pRs4TuV6wXy8z');
  });
});

describe('isJsonLiteral', () => {
  it.each(['0', '12.50', '-1', '1e3', 'true', 'false', 'null'])('accepts %p', (v) => {
    expect(isJsonLiteral(v)).toBe(true);
  });

  it.each(['', '01', '1.', '.5', 'NaN', 'True', '1 ', '0x1'])('refuses %p', (v) => {
    expect(isJsonLiteral(v)).toBe(false);
  });
});
