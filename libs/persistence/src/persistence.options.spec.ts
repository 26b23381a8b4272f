import {
  DEFAULT_RETENTION,
  resolvePersistenceOptions,
  resolveRetention,
  ttlSeconds,
} from './persistence.options';

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

describe('resolvePersistenceOptions', () => {
  it('writes with majority and reads admin pages from the primary by default', () => {
    expect(resolvePersistenceOptions()).toEqual({
      retention: DEFAULT_RETENTION,
      writeConcern: 'majority',
      adminReadPreference: 'primary',
    });
  });

  it('takes a number of members and any read preference mode', () => {
    expect(resolvePersistenceOptions({ writeConcern: 3, adminReadPreference: 'nearest' })).toMatchObject({
      writeConcern: 3,
      adminReadPreference: 'nearest',
    });
  });

  it('refuses a write concern or read preference MongoDB would not take, naming the option', () => {
    expect(() => resolvePersistenceOptions({ writeConcern: 0 })).toThrow('writeConcern');
    expect(() => resolvePersistenceOptions({ writeConcern: 51 })).toThrow('writeConcern');
    expect(() => resolvePersistenceOptions({ writeConcern: 'all' as 'majority' })).toThrow('writeConcern');
    expect(() =>
      resolvePersistenceOptions({ adminReadPreference: 'secondary_preferred' as 'secondary' }),
    ).toThrow('adminReadPreference');
  });
});
