import {
  CLICK_ID_LENGTH,
  MAX_EXTERNAL_CLICK_ID_LENGTH,
  isMintedClickId,
  isValidClickIdFormat,
  mintClickId,
} from './click-id';

describe('mintClickId', () => {
  it('mints 22 URL-safe characters, within the 32-character limit', () => {
    const id = mintClickId();
    expect(id).toHaveLength(CLICK_ID_LENGTH);
    expect(id.length).toBeLessThanOrEqual(32);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(id)).toBe(id);
  });

  it('carries at least 96 bits of randomness', () => {
    expect(Buffer.from(mintClickId(), 'base64url').length * 8).toBeGreaterThanOrEqual(96);
  });

  it('does not repeat across many mints', () => {
    const ids = new Set(Array.from({ length: 10_000 }, mintClickId));
    expect(ids.size).toBe(10_000);
  });

  it('mints ids that pass both format checks', () => {
    const id = mintClickId();
    expect(isMintedClickId(id)).toBe(true);
    expect(isValidClickIdFormat(id)).toBe(true);
  });
});

describe('isMintedClickId', () => {
  it('refuses ids of another length or alphabet', () => {
    expect(isMintedClickId('abc')).toBe(false);
    expect(isMintedClickId('a'.repeat(21) + '.')).toBe(false);
  });
});

describe('isValidClickIdFormat', () => {
  it.each([
    'c5f2a9e1b3d4',
    '0123456789abcdef0123456789abcdef',
    'RT-65f1c2e3a4b5c6d7e8f9a0b1',
    '550e8400-e29b-41d4-a716-446655440000',
    'Cj0KCQiA_gclid.like~id',
    'x',
    'a'.repeat(MAX_EXTERNAL_CLICK_ID_LENGTH),
  ])('accepts the external id %p', (id) => {
    expect(isValidClickIdFormat(id)).toBe(true);
  });

  it.each([
    '',
    'a'.repeat(MAX_EXTERNAL_CLICK_ID_LENGTH + 1),
    '{clickid}',
    '${SUBID}',
    '[clickid]',
    '#s2#',
    'a b',
    'a&b=c',
    '50%25',
    'ünïcode',
    'a/b',
  ])('refuses %p', (id) => {
    expect(isValidClickIdFormat(id)).toBe(false);
  });
});
