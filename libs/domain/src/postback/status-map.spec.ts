import { PostbackConfigError } from './postback-config.error';
import { compileStatusLookup, DEFAULT_STATUS_MAP, validateStatusMap } from './status-map';

describe('validateStatusMap', () => {
  it('lower-cases and trims keys and values', () => {
    expect(validateStatusMap({ ' Billed ': 'APPROVED', '5': 'pending' })).toEqual({
      billed: 'approved',
      '5': 'pending',
    });
  });

  it('treats a missing map as defaults only', () => {
    expect(validateStatusMap(undefined)).toEqual({});
  });

  it.each([
    [{ x: 'done' }],
    [{ x: 1 }],
    [{ '': 'approved' }],
    [{ ['k'.repeat(65)]: 'approved' }],
    [['approved']],
    ['approved'],
    [{ Sale: 'approved', sale: 'rejected' }],
  ])('refuses %p with INVALID_STATUS_MAP', (input) => {
    expect(() => validateStatusMap(input)).toThrow(PostbackConfigError);
    expect(() => validateStatusMap(input)).toThrow(/^INVALID_STATUS_MAP: /);
  });

  it('names the offending entry', () => {
    expect(() => validateStatusMap({ '5': 'hold' })).toThrow(
      'INVALID_STATUS_MAP: "statusMap.5" must be one of pending, approved, rejected, got "hold"',
    );
  });
});

describe('compileStatusLookup', () => {
  it('knows the default words', () => {
    const { byWord } = compileStatusLookup();
    for (const [word, status] of Object.entries(DEFAULT_STATUS_MAP)) expect(byWord.get(word)).toBe(status);
  });

  it('lets the advertiser’s words override the defaults', () => {
    expect(compileStatusLookup({ '1': 'pending' }).byWord.get('1')).toBe('pending');
  });
});
