import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, pageLimit } from './pagination';

describe('pageLimit', () => {
  it('defaults to 50 and clamps to 1…200', () => {
    expect(pageLimit(undefined)).toBe(DEFAULT_PAGE_LIMIT);
    expect(pageLimit(Number.NaN)).toBe(DEFAULT_PAGE_LIMIT);
    expect(pageLimit(0)).toBe(1);
    expect(pageLimit(10_000)).toBe(MAX_PAGE_LIMIT);
    expect(pageLimit(12.9)).toBe(12);
  });
});
