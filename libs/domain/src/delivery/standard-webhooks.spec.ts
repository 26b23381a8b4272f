import { createHmac } from 'node:crypto';
import {
  InvalidSigningSecretError,
  generateWebhookSecret,
  signStandardWebhook,
  signingKey,
  verifyStandardWebhook,
} from './standard-webhooks';

// The Standard Webhooks / Svix reference libraries' own test vector.
const VECTOR = {
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestampSec: 1614265330,
  body: '{"test": 2432232314}',
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

describe('signStandardWebhook', () => {
  it('matches the Standard Webhooks reference test vector', () => {
    expect(signStandardWebhook(VECTOR)).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs id.timestamp.body with the base64-decoded whsec_ key', () => {
    const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
    const expected = createHmac('sha256', key)
      .update(`${VECTOR.id}.${VECTOR.timestampSec}.${VECTOR.body}`)
      .digest('base64');
    expect(signStandardWebhook(VECTOR)['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('uses the UTF-8 bytes of a secret without the whsec_ prefix', () => {
    const input = {
      id: 'dlv_01',
      timestampSec: 1700000000,
      body: '{"click_id":"abc"}',
      secret: 'raw-partner-secret',
    };
    const expected = createHmac('sha256', Buffer.from('raw-partner-secret', 'utf8'))
      .update('dlv_01.1700000000.{"click_id":"abc"}')
      .digest('base64');
    expect(signStandardWebhook(input)['webhook-signature']).toBe(`v1,${expected}`);
    expect(signStandardWebhook(input)['webhook-signature']).toBe(
      'v1,G89CN3zyUgyX8h1LyDSkt6VR0ZbBTpZ0tywvnw+vLXk=',
    );
  });

  it('signs a Buffer body exactly like the same string', () => {
    expect(signStandardWebhook({ ...VECTOR, body: Buffer.from(VECTOR.body) })).toEqual(
      signStandardWebhook(VECTOR),
    );
  });

  it('signs an empty body for GET deliveries', () => {
    const expected = createHmac('sha256', Buffer.from('s', 'utf8')).update('id.1.').digest('base64');
    expect(
      signStandardWebhook({ id: 'id', timestampSec: 1, body: '', secret: 's' })['webhook-signature'],
    ).toBe(`v1,${expected}`);
  });

  it('refuses a timestamp that is not whole seconds', () => {
    expect(() => signStandardWebhook({ ...VECTOR, timestampSec: 1614265330.5 })).toThrow(RangeError);
    expect(() => signStandardWebhook({ ...VECTOR, timestampSec: 1614265330123 / 1000 })).toThrow(RangeError);
  });
});

describe('signingKey', () => {
  it.each(['whsec_', 'whsec_not base64!', 'whsec_abcde'])('refuses the malformed secret %p', (secret) => {
    expect(() => signingKey(secret)).toThrow(InvalidSigningSecretError);
  });

  it('refuses an empty secret', () => {
    expect(() => signingKey('')).toThrow('the secret is empty');
  });
});

describe('generateWebhookSecret', () => {
  it('makes a whsec_ secret of 32 random bytes that signs', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(signingKey(a)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});

describe('verifyStandardWebhook', () => {
  const headers = signStandardWebhook(VECTOR);

  it('accepts a signature it produced within the tolerance', () => {
    expect(
      verifyStandardWebhook({
        headers,
        body: VECTOR.body,
        secret: VECTOR.secret,
        nowSec: VECTOR.timestampSec + 299,
      }),
    ).toBe(true);
  });

  it('accepts when any of several space-separated signatures matches (secret rotation)', () => {
    const rotated = { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` };
    expect(
      verifyStandardWebhook({
        headers: rotated,
        body: VECTOR.body,
        secret: VECTOR.secret,
        nowSec: VECTOR.timestampSec,
      }),
    ).toBe(true);
  });

  it('rejects a tampered body, a wrong secret and a stale timestamp', () => {
    const base = { headers, body: VECTOR.body, secret: VECTOR.secret, nowSec: VECTOR.timestampSec };
    expect(verifyStandardWebhook({ ...base, body: '{"test": 1}' })).toBe(false);
    expect(
      verifyStandardWebhook({ ...base, secret: 'whsec_' + Buffer.from('other').toString('base64') }),
    ).toBe(false);
    expect(verifyStandardWebhook({ ...base, nowSec: VECTOR.timestampSec + 301 })).toBe(false);
  });

  it('rejects missing headers and foreign signature versions', () => {
    const base = { body: VECTOR.body, secret: VECTOR.secret, nowSec: VECTOR.timestampSec };
    expect(verifyStandardWebhook({ ...base, headers: { ...headers, 'webhook-id': undefined } })).toBe(false);
    const v1a = headers['webhook-signature'].replace('v1,', 'v1a,');
    expect(verifyStandardWebhook({ ...base, headers: { ...headers, 'webhook-signature': v1a } })).toBe(false);
  });
});
