import { mintSecretToken, newId } from './token';

describe('mintSecretToken', () => {
  it('mints 43 URL-safe characters from 32 bytes by default', () => {
    const token = mintSecretToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mintSecretToken()).not.toBe(token);
  });

  it('refuses fewer than 16 bytes', () => {
    expect(() => mintSecretToken(8)).toThrow(RangeError);
  });
});

describe('newId', () => {
  it('prefixes 16 URL-safe random characters', () => {
    expect(newId('dlv')).toMatch(/^dlv_[A-Za-z0-9_-]{16}$/);
    expect(newId('run')).not.toBe(newId('run'));
  });

  it.each(['', 'Dlv', 'd_l', '1ab', 'a'.repeat(17)])('refuses the prefix %p', (prefix) => {
    expect(() => newId(prefix)).toThrow(RangeError);
  });
});
