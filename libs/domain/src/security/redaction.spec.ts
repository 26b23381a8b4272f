import { createRedactionPolicy, DEFAULT_REDACTION_POLICY, RedactionPolicy } from './redaction';

describe('RedactionPolicy', () => {
  const policy = DEFAULT_REDACTION_POLICY;

  it.each([
    'pw',
    'pass',
    'password',
    'secret',
    'key',
    'code',
    'auth',
    'token',
    'sig',
    'signature',
    'api_key',
    'API-Key',
    'userinfo',
    'access_token',
    'client_secret',
    'x-api-key',
    'hmac_sig',
    'user.pw',
    'Authorization',
    'Cookie',
  ])('treats %p as a secret name', (name) => {
    expect(policy.isSecretName(name)).toBe(true);
  });

  it.each([
    'click_id',
    'cid',
    'payout',
    'status',
    'sub1',
    'monkey',
    'design',
    'keyword',
    'promo_code',
    'country_code',
    'bypass',
  ])('leaves the ordinary name %p alone', (name) => {
    expect(policy.isSecretName(name)).toBe(false);
  });

  it('masks pw= and code= in a URL (review item 10) and keeps the rest byte for byte', () => {
    expect(policy.redactUrl('https://p.example/pb?cid=a%2Fb&pw=hunter2&code=4321&x=a+b#f')).toBe(
      'https://p.example/pb?cid=a%2Fb&pw=***&code=***&x=a+b#f',
    );
  });

  it('masks a path segment that follows a secret name', () => {
    expect(policy.redactUrl('https://p.example/api/token/abc123/convert?cid=1')).toBe(
      'https://p.example/api/token/***/convert?cid=1',
    );
    expect(policy.redactUrl('https://p.example/key/k-1')).toBe('https://p.example/key/***');
  });

  it('masks a long random-looking path segment, and keeps click ids, object ids and words', () => {
    const token = 'k3Jd9sLq0Zx8Vb2Nm4Rt6Yp1Wc5Ue7Ha-_k3Jd9sL';
    expect(policy.redactUrl(`https://gw.example/postback/${token}?click_id=c7Hq2LmN0pRs4TuV6wXy8z`)).toBe(
      'https://gw.example/postback/***?click_id=c7Hq2LmN0pRs4TuV6wXy8z',
    );
    const ordinary =
      'https://p.example/conversions/665f1c2e8b3d4a0012345678/c7Hq2LmN0pRs4TuV6wXy8z/thank-you-page-for-everyone';
    expect(policy.redactUrl(ordinary)).toBe(ordinary);
  });

  it('masks userinfo', () => {
    expect(policy.redactUrl('https://user:pa55@p.example/x')).toBe('https://***:***@p.example/x');
  });

  it('masks stored params and headers by the same names', () => {
    expect(policy.redactParams({ click_id: 'c1', pw: 'x', Api_Key: 'k' })).toEqual({
      click_id: 'c1',
      pw: '[redacted]',
      Api_Key: '[redacted]',
    });
    expect(policy.redactHeaders({ authorization: 'Bearer x', 'x-api-key': 'k', accept: '*/*' })).toEqual({
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
      accept: '*/*',
    });
  });

  it('adds configured names (REDACT_NAMES) without dropping the built-in ones', () => {
    const custom = createRedactionPolicy(['pin', 'X-Partner-Ref']);
    expect(custom).toBeInstanceOf(RedactionPolicy);
    expect(custom.redactParams({ pin: '1', x_partner_ref: '2', pw: '3', cid: '4' })).toEqual({
      pin: '[redacted]',
      x_partner_ref: '[redacted]',
      pw: '[redacted]',
      cid: '4',
    });
    expect(createRedactionPolicy([])).toBe(DEFAULT_REDACTION_POLICY);
  });

  it('never throws on malformed input', () => {
    expect(policy.redactUrl('%%%?%zz=1&token=%E0%A4%A')).toBe('%%%?%zz=1&token=***');
  });
});
