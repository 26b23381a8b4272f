import { decideTransition } from './status-machine';

describe('decideTransition', () => {
  it('creates a conversion when none exists under the key', () => {
    expect(decideTransition(undefined, 'pending')).toEqual({ kind: 'create' });
  });

  it.each(['pending', 'approved', 'rejected'] as const)('calls a repeated %s a duplicate', (status) => {
    expect(decideTransition(status, status)).toEqual({ kind: 'duplicate' });
  });

  it('allows pending → approved', () => {
    expect(decideTransition('pending', 'approved')).toEqual({
      kind: 'transition',
      from: 'pending',
      to: 'approved',
      reversal: false,
    });
  });

  it('allows pending → rejected without calling it a reversal', () => {
    expect(decideTransition('pending', 'rejected')).toEqual({
      kind: 'transition',
      from: 'pending',
      to: 'rejected',
      reversal: false,
    });
  });

  it('allows approved → rejected as a reversal', () => {
    expect(decideTransition('approved', 'rejected')).toEqual({
      kind: 'transition',
      from: 'approved',
      to: 'rejected',
      reversal: true,
    });
  });

  it.each([
    ['approved', 'pending'],
    ['rejected', 'approved'],
    ['rejected', 'pending'],
  ] as const)('refuses %s → %s as INVALID_TRANSITION', (from, to) => {
    expect(decideTransition(from, to)).toEqual({ kind: 'invalid', reason: 'INVALID_TRANSITION', from, to });
  });
});
