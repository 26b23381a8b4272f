import { parseCidrList } from './cidr';
import { checkDestinationUrl, redactUrl } from './destination-url';
import { ForbiddenDestinationError } from './forbidden-destination.error';

function refusal(fn: () => unknown): ForbiddenDestinationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ForbiddenDestinationError) return err;
    throw err;
  }
  throw new Error('expected a ForbiddenDestinationError');
}

describe('checkDestinationUrl', () => {
  it('returns host, default port and protocol for a public https URL', () => {
    expect(checkDestinationUrl('https://Partner.Example.com/pb?cid={click_id}')).toEqual({
      protocol: 'https:',
      hostname: 'partner.example.com',
      port: 443,
    });
  });

  it('keeps an explicit port and strips a trailing dot', () => {
    expect(checkDestinationUrl('http://partner.example.com.:8080/x')).toEqual({
      protocol: 'http:',
      hostname: 'partner.example.com',
      port: 8080,
    });
  });

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com:70/', 'javascript:alert(1)'])(
    'refuses the non-http scheme of %s',
    (url) => {
      expect(refusal(() => checkDestinationUrl(url)).code).toBe('SSRF_SCHEME');
    },
  );

  it.each(['not a url', '/relative/path', 'http://'])('refuses "%s" as an invalid URL', (url) => {
    expect(refusal(() => checkDestinationUrl(url)).code).toBe('SSRF_INVALID_URL');
  });

  it.each([
    'http://127.0.0.1/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://[::1]:8080/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://10.0.0.5/',
    'http://0.0.0.0/',
  ])('judges the literal-IP host of %s immediately', (url) => {
    const err = refusal(() => checkDestinationUrl(url));
    expect(err.code).toBe('SSRF_ADDRESS');
    expect(err.errorClass).toBe('ssrf_blocked');
  });

  it('returns a public literal IP as literalIp so the caller can skip DNS', () => {
    expect(checkDestinationUrl('http://[2606:4700:4700::1111]:81/')).toEqual({
      protocol: 'http:',
      hostname: '2606:4700:4700::1111',
      port: 81,
      literalIp: '2606:4700:4700::1111',
    });
  });

  it.each(['http://localhost/', 'http://LOCALHOST./', 'http://api.localhost:3000/'])(
    'refuses the loopback name in %s',
    (url) => {
      expect(refusal(() => checkDestinationUrl(url)).code).toBe('SSRF_HOSTNAME');
    },
  );

  it('refuses well-known metadata host names', () => {
    expect(refusal(() => checkDestinationUrl('http://metadata.google.internal/')).code).toBe('SSRF_HOSTNAME');
  });

  it('opens loopback names and private literals when allowPrivate is set', () => {
    const policy = { allowPrivate: true, allowlist: [] };
    expect(checkDestinationUrl('http://localhost:3000/', policy).port).toBe(3000);
    expect(checkDestinationUrl('http://127.0.0.1:3000/', policy).literalIp).toBe('127.0.0.1');
  });

  it('keeps metadata closed when allowPrivate is set', () => {
    const policy = { allowPrivate: true, allowlist: [] };
    expect(refusal(() => checkDestinationUrl('http://169.254.169.254/', policy)).code).toBe('SSRF_ADDRESS');
    expect(refusal(() => checkDestinationUrl('http://metadata.google.internal/', policy)).code).toBe(
      'SSRF_HOSTNAME',
    );
  });

  it('opens an allowlisted private literal', () => {
    const policy = { allowPrivate: false, allowlist: parseCidrList('10.0.0.0/24') };
    expect(checkDestinationUrl('http://10.0.0.5/', policy).literalIp).toBe('10.0.0.5');
  });

  it('allows credentials in the URL (they are redacted in logs instead)', () => {
    expect(checkDestinationUrl('https://user:pw@partner.example.com/').hostname).toBe('partner.example.com');
  });
});

describe('redactUrl', () => {
  it('masks userinfo', () => {
    expect(redactUrl('https://user:pa55@partner.example.com/pb')).toBe(
      'https://***:***@partner.example.com/pb',
    );
    expect(redactUrl('https://apitoken@partner.example.com/pb')).toBe('https://***@partner.example.com/pb');
  });

  it('masks secret-looking query values and keeps the others byte for byte', () => {
    const url = 'https://p.example.com/pb?cid=abc%2F1&token=t0k&api_key=k&amount=1.50&sig=ff&x=a+b';
    expect(redactUrl(url)).toBe(
      'https://p.example.com/pb?cid=abc%2F1&token=***&api_key=***&amount=1.50&sig=***&x=a+b',
    );
  });

  it.each([
    'key',
    'KEY',
    'secret',
    'client_secret',
    'apikey',
    'api-key',
    'x_api_key',
    'password',
    'signature',
    'auth',
    'x-auth',
    'access_token',
    'AccessToken',
    'hmac_sig',
    'postback%5Ftoken',
  ])('masks the parameter %s', (name) => {
    expect(redactUrl(`https://p.example.com/?${name}=s3cr3t&cid=1`)).toBe(
      `https://p.example.com/?${name}=***&cid=1`,
    );
  });

  it.each(['cid', 'click_id', 'payout', 'monkey', 'design', 'status', 'sub1'])(
    'leaves the ordinary parameter %s alone',
    (name) => {
      expect(redactUrl(`https://p.example.com/?${name}=v`)).toBe(`https://p.example.com/?${name}=v`);
    },
  );

  it('masks extra parameter names supplied by the caller', () => {
    expect(redactUrl('https://p.example.com/?pin=1234&cid=1', ['PIN'])).toBe(
      'https://p.example.com/?pin=***&cid=1',
    );
  });

  it('keeps the fragment and parameters without a value', () => {
    expect(redactUrl('https://p.example.com/?flag&token=a#frag')).toBe(
      'https://p.example.com/?flag&token=***#frag',
    );
  });

  it('does not mistake an @ in the path for userinfo', () => {
    expect(redactUrl('https://p.example.com/u/@me?x=1')).toBe('https://p.example.com/u/@me?x=1');
  });

  it('still masks an unparsable URL as far as its shape allows', () => {
    expect(redactUrl('::bad::?token=abc')).toBe('::bad::?token=***');
  });
});
