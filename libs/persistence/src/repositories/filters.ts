/** A `{ $gte, $lt }` condition for an optional half-open time range [from, to), or undefined for none. */
export function timeRange(from?: Date, to?: Date): { $gte?: Date; $lt?: Date } | undefined {
  if (!from && !to) {
    return undefined;
  }
  return { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
}

/** One value or an `$in` for several. */
export function oneOrMany<T>(value: T | readonly T[]): T | { $in: T[] } {
  return Array.isArray(value) ? { $in: [...(value as readonly T[])] } : (value as T);
}

/** Drops undefined entries so a filter object never carries `{ field: undefined }`. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
