import { isTemplateError, TemplateError } from './template.error';

describe('TemplateError', () => {
  it('carries a stable name, the code, the field, the token and a hinted message', () => {
    const err = new TemplateError(
      'UNKNOWN_MACRO',
      'url',
      '{clickid} in "url" is not a Ricochet macro',
      'did you mean {click_id}?',
      '{clickid}',
      12,
    );
    expect(err.name).toBe('TemplateError');
    expect(err.code).toBe('UNKNOWN_MACRO');
    expect(err.param).toBe('url');
    expect(err.token).toBe('{clickid}');
    expect(err.index).toBe(12);
    expect(err.message).toBe(
      'UNKNOWN_MACRO: {clickid} in "url" is not a Ricochet macro (did you mean {click_id}?)',
    );
  });

  it('is recognised by name across module copies', () => {
    expect(isTemplateError(Object.assign(new Error('x'), { name: 'TemplateError' }))).toBe(true);
    expect(isTemplateError(new Error('x'))).toBe(false);
  });
});
