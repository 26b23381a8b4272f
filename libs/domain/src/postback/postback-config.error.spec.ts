import { isPostbackConfigError, PostbackConfigError } from './postback-config.error';

describe('PostbackConfigError', () => {
  it('appends the hint to the code-prefixed message', () => {
    const err = new PostbackConfigError('INVALID_PARAM_MAP', 'paramMap.x', 'bad key', 'did you mean "txid"?');
    expect(err.name).toBe('PostbackConfigError');
    expect(err.param).toBe('paramMap.x');
    expect(err.hint).toBe('did you mean "txid"?');
    expect(err.message).toBe('INVALID_PARAM_MAP: bad key (did you mean "txid"?)');
  });

  it('leaves the message alone without a hint', () => {
    expect(new PostbackConfigError('INVALID_STATUS_MAP', 'statusMap', 'bad').message).toBe(
      'INVALID_STATUS_MAP: bad',
    );
  });

  it('is recognised by name across module copies', () => {
    expect(isPostbackConfigError(Object.assign(new Error('x'), { name: 'PostbackConfigError' }))).toBe(true);
    expect(isPostbackConfigError(new Error('x'))).toBe(false);
  });
});
