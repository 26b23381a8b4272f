import { CLICK_WAIT_MAX_DELAY_MS, nextClickLookupDelayMs } from './click-wait.policy';

describe('nextClickLookupDelayMs', () => {
  const now = 1_000_000;
  const far = now + 15 * 60_000;

  it('waits 2 s before the first retry and doubles after that', () => {
    expect(nextClickLookupDelayMs(0, now, far)).toBe(2_000);
    expect(nextClickLookupDelayMs(1, now, far)).toBe(4_000);
    expect(nextClickLookupDelayMs(3, now, far)).toBe(16_000);
  });

  it('never waits more than a minute between lookups', () => {
    expect(nextClickLookupDelayMs(50, now, far)).toBe(CLICK_WAIT_MAX_DELAY_MS);
  });

  it('makes the last lookup exactly at the deadline', () => {
    expect(nextClickLookupDelayMs(5, now, now + 1_500)).toBe(1_500);
  });

  it('gives up once the deadline has passed', () => {
    expect(nextClickLookupDelayMs(0, now, now)).toBeUndefined();
    expect(nextClickLookupDelayMs(0, now, now - 1)).toBeUndefined();
  });
});
