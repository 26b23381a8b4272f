import { Types } from 'mongoose';
import { ALL_KEY, groupKey, keyString } from './report.repository';

describe('report group keys', () => {
  it('keys days by the UTC calendar date of createdAt', () => {
    expect(groupKey('day')).toEqual({ $dateToString: { format: '%Y-%m-%d', date: '$createdAt' } });
  });

  it('reads offer and event from a joined conversion when given its prefix', () => {
    expect(groupKey('offer', 'conversion.')).toBe('$conversion.offerId');
    expect(groupKey('event', 'conversion.')).toBe('$conversion.event');
    expect(groupKey('source')).toBe('$sourceId');
  });

  it('puts everything in one row when grouping by all', () => {
    expect(groupKey('all')).toBe(ALL_KEY);
  });

  it('renders ObjectId keys as hex and other keys as strings', () => {
    const id = new Types.ObjectId();
    expect(keyString(id)).toBe(id.toHexString());
    expect(keyString('2026-11-24')).toBe('2026-11-24');
    expect(keyString(null)).toBe('');
  });
});
