import {
  DELIVERY_ERROR_CLASSES,
  EndpointGoneError,
  PermanentDeliveryError,
  RetryableDeliveryError,
} from './delivery.errors';

describe('delivery errors', () => {
  it('give each error a stable name that survives minification and serialisation', () => {
    expect(new RetryableDeliveryError('timeout', 'x').name).toBe('RetryableDeliveryError');
    expect(new PermanentDeliveryError('http_4xx', 'x').name).toBe('PermanentDeliveryError');
    expect(new EndpointGoneError().name).toBe('EndpointGoneError');
  });

  it('mark retryable and permanent errors so the worker can map them without instanceof', () => {
    expect(new RetryableDeliveryError('http_5xx', 'x').permanent).toBe(false);
    expect(new PermanentDeliveryError('redirect', 'x').permanent).toBe(true);
    expect(new EndpointGoneError().permanent).toBe(true);
  });

  it('carry the error class and the Retry-After for the attempt log', () => {
    const err = new RetryableDeliveryError('http_429', 'throttled', 90_000);
    expect(err).toMatchObject({ errorClass: 'http_429', retryAfterMs: 90_000, message: 'throttled' });
  });

  it('make a 410 a permanent failure with the gone class', () => {
    const err = new EndpointGoneError();
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect(err.errorClass).toBe('gone');
    expect(err.message).toMatch(/410/);
  });

  it('list every error class once', () => {
    expect(new Set(DELIVERY_ERROR_CLASSES).size).toBe(DELIVERY_ERROR_CLASSES.length);
    expect(DELIVERY_ERROR_CLASSES).toEqual(
      expect.arrayContaining([
        'http_5xx',
        'http_429',
        'http_4xx',
        'timeout',
        'connect_error',
        'dns_error',
        'ssrf_blocked',
        'body_mismatch',
        'redirect',
        'gone',
      ]),
    );
  });
});
