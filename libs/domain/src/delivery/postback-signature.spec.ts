import { createHmac } from 'node:crypto';
import {
  canonicalPostbackString,
  computePostbackSignature,
  parseSignatureTimestamp,
  postbackSigningPayload,
  signedQueryString,
  verifyPostbackSignature,
} from './postback-signature';

const SECRET = 'my-advertiser-secret';
const PAYLOAD = 'click_id=abc123&payout=12.50&status=approved';
const HEX = '2ceff44a30e10ddb927ba76f7e1f620b87ab26290ecdb21f77626bd9033724d9';

describe('postbackSigningPayload', () => {
  it('signs the raw query string without the sig parameter, order and encoding kept', () => {
    expect(postbackSigningPayload({ rawQuery: '?click_id=a%2Fb&sig=ff00&payout=1.5&note=x+y' })).toBe(
      'click_id=a%2Fb&payout=1.5&note=x+y',
    );
  });

  it('drops every sig and signature parameter, whatever their case', () => {
    expect(postbackSigningPayload({ rawQuery: 'SIG=1&a=1&signature=2&b=2&Signature=3' })).toBe('a=1&b=2');
  });

  it('keeps parameters whose names only contain "sig"', () => {
    expect(postbackSigningPayload({ rawQuery: 'sig1=x&design=y&sig=z' })).toBe('sig1=x&design=y');
  });

  it('signs the raw body when the request has one', () => {
    const body = '{"click_id":"abc","payout":"1.00"}';
    expect(postbackSigningPayload({ rawQuery: 'sig=abc', rawBody: body })).toBe(body);
  });

  it('falls back to the query string for an empty body', () => {
    expect(postbackSigningPayload({ rawQuery: 'a=1&sig=2', rawBody: '' })).toBe('a=1');
  });
});

describe('verifyPostbackSignature', () => {
  it('computes HMAC-SHA256 hex over the payload with the UTF-8 secret', () => {
    const expected = createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(PAYLOAD).digest('hex');
    expect(computePostbackSignature(SECRET, PAYLOAD)).toBe(expected);
    expect(expected).toBe(HEX);
  });

  it.each([
    ['lower-case hex', HEX],
    ['upper-case hex', HEX.toUpperCase()],
    ['sha256= prefixed hex', `sha256=${HEX}`],
    ['base64', Buffer.from(HEX, 'hex').toString('base64')],
    ['unpadded base64url', Buffer.from(HEX, 'hex').toString('base64url')],
    ['sha256= prefixed base64', `sha256=${Buffer.from(HEX, 'hex').toString('base64')}`],
  ])('accepts a %s signature', (_form, signature) => {
    expect(verifyPostbackSignature({ secret: SECRET, payload: PAYLOAD, signature })).toBe(true);
  });

  it('rejects a signature over a different payload', () => {
    expect(
      verifyPostbackSignature({ secret: SECRET, payload: `${PAYLOAD}&payout=999`, signature: HEX }),
    ).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    const other = computePostbackSignature('other', PAYLOAD);
    expect(verifyPostbackSignature({ secret: SECRET, payload: PAYLOAD, signature: other })).toBe(false);
  });

  it.each(['', 'sha256=', 'zz', HEX.slice(0, 62), `${HEX}00`, 'md5=' + HEX])(
    'rejects the malformed signature %p',
    (signature) => {
      expect(verifyPostbackSignature({ secret: SECRET, payload: PAYLOAD, signature })).toBe(false);
    },
  );

  it('rejects everything when the secret is empty', () => {
    const sig = createHmac('sha256', Buffer.alloc(0)).update(PAYLOAD).digest('hex');
    expect(verifyPostbackSignature({ secret: '', payload: PAYLOAD, signature: sig })).toBe(false);
  });

  it('verifies a Buffer payload like the same string', () => {
    expect(verifyPostbackSignature({ secret: SECRET, payload: Buffer.from(PAYLOAD), signature: HEX })).toBe(
      true,
    );
  });
});

describe('canonicalPostbackString (v1)', () => {
  it('joins timestamp, method, path, query without signatures and the raw body with line feeds', () => {
    const canonical = canonicalPostbackString({
      timestamp: '1767225600',
      method: 'post',
      path: '/postback/k3Jd',
      rawQuery: '?event=ftd&sig=ff&note=a%20b',
      rawBody: Buffer.from('{"click_id":"c1"}'),
    });
    expect(canonical.toString('utf8')).toBe(
      '1767225600\nPOST\n/postback/k3Jd\nevent=ftd&note=a%20b\n{"click_id":"c1"}',
    );
  });

  it('matches the documented Node example byte for byte', () => {
    const ts = '1767225600';
    const body = '{"click_id":"c7Hq2LmN0pRs4TuV6wXy8z","payout":"12.50"}';
    const expected = createHmac('sha256', SECRET)
      .update(`${ts}\nPOST\n/postback/TOKEN\nevent=ftd\n${body}`)
      .digest('hex');
    const payload = canonicalPostbackString({
      timestamp: ts,
      method: 'POST',
      path: '/postback/TOKEN',
      rawQuery: 'event=ftd',
      rawBody: body,
    });
    expect(computePostbackSignature(SECRET, payload)).toBe(expected);
  });
});

describe('signedQueryString', () => {
  it.each([
    ['a=1&sig=x', 'a=1'],
    ['sig=x&a=1', 'a=1'],
    ['a=1&Signature=x&b=2', 'a=1&b=2'],
    ['a=1&&b=2&si%67=x', 'a=1&&b=2'],
    ['sig=x', ''],
    ['', ''],
    ['sig1=x&design=y', 'sig1=x&design=y'],
  ])('signs %p as %p', (raw, signed) => {
    expect(signedQueryString(raw)).toBe(signed);
  });
});

describe('parseSignatureTimestamp', () => {
  it('takes unix seconds only', () => {
    expect(parseSignatureTimestamp('1767225600')).toBe(1_767_225_600_000);
    for (const bad of ['', '-1', '1.5', '1e9', ' 1', '1767225600000000', 'now']) {
      expect(parseSignatureTimestamp(bad)).toBeUndefined();
    }
  });
});
