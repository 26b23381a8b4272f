import { BadRequestException } from '@nestjs/common';
import { parseRetrySchedule } from '@ricochet/domain/delivery';
import { parseCidrList } from '@ricochet/domain/network';
import { parseInput } from './config-input.error';

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('parseInput', () => {
  it('turns a domain parser error into a 400 naming the field', () => {
    const error = thrownBy(() => parseInput('allowedIps', 'X', () => parseCidrList(['10.0.0.0/33'])));
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).getResponse()).toMatchObject({
      code: 'INVALID_CIDR',
      param: 'allowedIps',
    });
  });

  it('falls back to the given code and keeps the reason', () => {
    const error = thrownBy(() =>
      parseInput('retrySchedule', 'INVALID_RETRY_SCHEDULE', () => parseRetrySchedule('10')),
    );
    expect((error as BadRequestException).getResponse()).toMatchObject({
      code: 'INVALID_RETRY_SCHEDULE',
      param: 'retrySchedule',
    });
  });

  it('passes the value through when the parser succeeds', () => {
    expect(parseInput('x', 'X', () => 42)).toBe(42);
  });
});
