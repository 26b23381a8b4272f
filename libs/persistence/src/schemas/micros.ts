import { Micros } from '@ricochet/domain/model';

/**
 * Schema type for money: integer micro-units (1 unit = 1_000_000). A fractional or unsafe number is a
 * validation error rather than a silent rounding, so a float can never reach the store.
 */
export const MICROS_TYPE = {
  type: Number,
  validate: {
    validator: (value: Micros | null | undefined): boolean => value == null || Number.isSafeInteger(value),
    message: (props: { path: string; value: unknown }): string =>
      `${props.path} must be an integer number of micros, got ${String(props.value)}`,
  },
} as const;

/**
 * The same rule for the hot paths that write plain documents past mongoose's validation.
 * @throws RangeError naming the field when the value is not an integer number of micros.
 */
export function assertMicros(path: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${path} must be an integer number of micros, got ${String(value)}`);
  }
}
