import { ForbiddenDestinationError } from '../network/forbidden-destination.error';
import { THROTTLED_MIN_DELAY_MS, classifyNetworkError, classifyResponse } from './delivery-outcome';

const NOW = new Date('2026-11-24T12:00:00.000Z');

describe('classifyResponse', () => {
  it.each([200, 201, 202, 204, 299])('treats %d as delivered', (status) => {
    expect(classifyResponse({ status, headers: {} })).toEqual({ kind: 'delivered' });
  });

  it('delivers a 2xx whose body matches successBodyMatch', () => {
    expect(
      classifyResponse({ status: 200, body: '{"ok":true}', successBodyMatch: /"ok":\s*true/, headers: {} }),
    ).toEqual({
      kind: 'delivered',
    });
  });

  it('fails a 2xx permanently when its body does not match successBodyMatch', () => {
    expect(
      classifyResponse({ status: 200, body: 'ERROR: bad click', successBodyMatch: /^OK/, headers: {} }),
    ).toEqual({
      kind: 'permanent',
      errorClass: 'body_mismatch',
    });
  });

  it('treats a missing body as empty when successBodyMatch is set', () => {
    expect(classifyResponse({ status: 204, successBodyMatch: /OK/, headers: {} }).kind).toBe('permanent');
  });

  it('gives the same answer every time for a global regex', () => {
    const re = /OK/g;
    const facts = { status: 200, body: 'OK', successBodyMatch: re, headers: {} };
    expect([classifyResponse(facts), classifyResponse(facts)]).toEqual([
      { kind: 'delivered' },
      { kind: 'delivered' },
    ]);
  });

  it.each([301, 302, 303, 307, 308])(
    'fails %d permanently as a redirect that is never followed',
    (status) => {
      expect(classifyResponse({ status, headers: { location: 'http://169.254.169.254/' } })).toEqual({
        kind: 'permanent',
        errorClass: 'redirect',
      });
    },
  );

  it.each([500, 502, 503, 504, 599])('retries %d as http_5xx', (status) => {
    expect(classifyResponse({ status, headers: {} })).toEqual({ kind: 'retry', errorClass: 'http_5xx' });
  });

  it('retries 408', () => {
    expect(classifyResponse({ status: 408, headers: {} })).toEqual({ kind: 'retry', errorClass: 'http_408' });
  });

  it('retries 429 no sooner than its Retry-After', () => {
    expect(classifyResponse({ status: 429, headers: { 'retry-after': '300' }, now: NOW })).toEqual({
      kind: 'retry',
      errorClass: 'http_429',
      retryAfterMs: 300_000,
    });
  });

  it('makes a 429 without Retry-After wait a minute, and one with Retry-After exactly that long', () => {
    expect(classifyResponse({ status: 429, headers: {} })).toEqual({
      kind: 'retry',
      errorClass: 'http_429',
      retryAfterMs: THROTTLED_MIN_DELAY_MS,
    });
    expect(classifyResponse({ status: 429, headers: { 'retry-after': '5' } })).toMatchObject({
      retryAfterMs: 5_000,
    });
  });

  it('honours an HTTP-date Retry-After on 503, whatever the header name case', () => {
    expect(
      classifyResponse({
        status: 503,
        headers: { 'Retry-After': 'Tue, 24 Nov 2026 12:10:00 GMT' },
        now: NOW,
      }),
    ).toEqual({
      kind: 'retry',
      errorClass: 'http_5xx',
      retryAfterMs: 600_000,
    });
  });

  it('reads the first value of a repeated Retry-After header', () => {
    expect(classifyResponse({ status: 503, headers: { 'retry-after': ['30', '90'] } })).toMatchObject({
      retryAfterMs: 30_000,
    });
  });

  it('ignores Retry-After on statuses other than 429 and 503', () => {
    expect(classifyResponse({ status: 500, headers: { 'retry-after': '300' } })).toEqual({
      kind: 'retry',
      errorClass: 'http_5xx',
    });
  });

  it('marks 410 as gone so the endpoint is disabled', () => {
    expect(classifyResponse({ status: 410, headers: {} })).toEqual({ kind: 'gone' });
  });

  it.each([400, 401, 403, 404, 405, 409, 422, 451])('fails %d permanently', (status) => {
    expect(classifyResponse({ status, headers: {} })).toEqual({ kind: 'permanent', errorClass: 'http_4xx' });
  });

  it.each([0, 101, 600, 999])('retries the impossible final status %d as a network error', (status) => {
    expect(classifyResponse({ status, headers: {} })).toEqual({ kind: 'retry', errorClass: 'network_error' });
  });
});

function codeError(code: string, name = 'Error'): Error {
  return Object.assign(new Error(code), { code, name });
}

describe('classifyNetworkError', () => {
  it.each([
    [codeError('UND_ERR_CONNECT_TIMEOUT', 'ConnectTimeoutError'), 'timeout'],
    [codeError('UND_ERR_HEADERS_TIMEOUT', 'HeadersTimeoutError'), 'timeout'],
    [codeError('UND_ERR_BODY_TIMEOUT', 'BodyTimeoutError'), 'timeout'],
    [codeError('ETIMEDOUT'), 'timeout'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    [new DOMException('This operation was aborted', 'AbortError'), 'timeout'],
    [codeError('ECONNREFUSED'), 'connect_error'],
    [codeError('EHOSTUNREACH'), 'connect_error'],
    [codeError('ENETUNREACH'), 'connect_error'],
    [codeError('ECONNRESET'), 'connection_reset'],
    [codeError('EPIPE'), 'connection_reset'],
    [codeError('UND_ERR_SOCKET', 'SocketError'), 'connection_reset'],
    [codeError('ENOTFOUND'), 'dns_error'],
    [codeError('EAI_AGAIN'), 'dns_error'],
    [codeError('CERT_HAS_EXPIRED'), 'tls_error'],
    [codeError('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls_error'],
    [codeError('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls_error'],
    [codeError('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls_error'],
  ])('retries %p as %s', (err, errorClass) => {
    expect(classifyNetworkError(err)).toEqual({ kind: 'retry', errorClass });
  });

  it('fails an SSRF refusal permanently', () => {
    const err = new ForbiddenDestinationError('SSRF_ADDRESS', 'private', '10.0.0.1');
    expect(classifyNetworkError(err)).toEqual({ kind: 'permanent', errorClass: 'ssrf_blocked' });
  });

  it('finds an SSRF refusal wrapped by fetch as the cause', () => {
    const wrapped = new TypeError('fetch failed', {
      cause: new ForbiddenDestinationError('SSRF_ADDRESS', 'x'),
    });
    expect(classifyNetworkError(wrapped)).toEqual({ kind: 'permanent', errorClass: 'ssrf_blocked' });
  });

  it('finds the cause of a wrapped socket error', () => {
    expect(classifyNetworkError(new TypeError('fetch failed', { cause: codeError('ECONNREFUSED') }))).toEqual(
      {
        kind: 'retry',
        errorClass: 'connect_error',
      },
    );
  });

  it('looks inside a happy-eyeballs AggregateError', () => {
    const agg = new AggregateError([codeError('ENETUNREACH'), codeError('ECONNREFUSED')], 'connect failed');
    expect(classifyNetworkError(agg)).toEqual({ kind: 'retry', errorClass: 'connect_error' });
  });

  it('never fails an unknown error permanently', () => {
    expect(classifyNetworkError(new Error('something odd'))).toEqual({
      kind: 'retry',
      errorClass: 'network_error',
    });
    expect(classifyNetworkError('a string')).toEqual({ kind: 'retry', errorClass: 'network_error' });
    expect(classifyNetworkError(undefined)).toEqual({ kind: 'retry', errorClass: 'network_error' });
  });

  it('terminates on a cyclic cause chain', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyNetworkError(a)).toEqual({ kind: 'retry', errorClass: 'network_error' });
  });
});
