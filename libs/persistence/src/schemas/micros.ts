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
