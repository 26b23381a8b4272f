import { isPostbackParamError, PostbackParamError } from './postback-param.error';

describe('PostbackParamError', () => {
  it('carries a stable name, the code, the parameter and a code-prefixed message', () => {
    const err = new PostbackParamError('INVALID_TXID', 'tid', '"tid" is too long');
    expect(err.name).toBe('PostbackParamError');
    expect(err.code).toBe('INVALID_TXID');
    expect(err.param).toBe('tid');
    expect(err.message).toBe('INVALID_TXID: "tid" is too long');
  });

  it('is recognised by name across module copies', () => {
    expect(isPostbackParamError(new PostbackParamError('INVALID_TXID', 'tid', 'x'))).toBe(true);
    expect(isPostbackParamError(Object.assign(new Error('x'), { name: 'PostbackParamError' }))).toBe(true);
    expect(isPostbackParamError(new Error('x'))).toBe(false);
  });
});
