/** Small statistics helpers. */

/** The p-th percentile (0–100, nearest rank) of `values`; NaN when empty. Sorts a copy. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** `a / b`, or NaN when b is 0 (printed as "n/a"). */
export function per(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}
