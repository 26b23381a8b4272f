import { DEFAULT_RETENTION, resolveRetention, ttlSeconds } from './persistence.options';

describe('resolveRetention', () => {
  it('defaults to 90 days of clicks, 180 of postbacks and 30 of attempts', () => {
    expect(resolveRetention()).toEqual({ clicksDays: 90, postbacksDays: 180, attemptsDays: 30 });
    expect(DEFAULT_RETENTION).toEqual(resolveRetention({}));
  });

  it('takes configured values and ignores undefined ones', () => {
    expect(resolveRetention({ clicksDays: 7, postbacksDays: undefined })).toEqual({
      clicksDays: 7,
      postbacksDays: 180,
      attemptsDays: 30,
    });
  });

  it('refuses negative, fractional or non-numeric days, naming the setting', () => {
    expect(() => resolveRetention({ clicksDays: -1 })).toThrow('retention.clicksDays');
    expect(() => resolveRetention({ postbacksDays: 0.5 })).toThrow('retention.postbacksDays');
    expect(() => resolveRetention({ attemptsDays: Number.NaN })).toThrow('retention.attemptsDays');
  });
});

describe('ttlSeconds', () => {
  it('turns days into seconds, and 0 into no TTL at all', () => {
    expect(ttlSeconds(90)).toBe(7_776_000);
    expect(ttlSeconds(0)).toBeUndefined();
  });
});
