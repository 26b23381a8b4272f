import { ForbiddenDestinationError, isForbiddenDestinationError } from './forbidden-destination.error';

describe('ForbiddenDestinationError', () => {
  it('carries a stable name, the code, the ssrf_blocked error class and the refused address', () => {
    const err = new ForbiddenDestinationError('SSRF_ADDRESS', 'destination 10.0.0.1 is private', '10.0.0.1');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ForbiddenDestinationError');
    expect(err.code).toBe('SSRF_ADDRESS');
    expect(err.errorClass).toBe('ssrf_blocked');
    expect(err.permanent).toBe(true);
    expect(err.address).toBe('10.0.0.1');
    expect(err.message).toBe('SSRF_ADDRESS: destination 10.0.0.1 is private');
  });

  it('is recognised by name even when it crossed a module boundary', () => {
    const foreign = Object.assign(new Error('x'), { name: 'ForbiddenDestinationError' });
    expect(isForbiddenDestinationError(foreign)).toBe(true);
    expect(isForbiddenDestinationError(new ForbiddenDestinationError('SSRF_SCHEME', 'ftp'))).toBe(true);
    expect(isForbiddenDestinationError(new Error('ECONNREFUSED'))).toBe(false);
    expect(isForbiddenDestinationError('ForbiddenDestinationError')).toBe(false);
  });
});
