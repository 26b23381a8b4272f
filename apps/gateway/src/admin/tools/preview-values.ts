import { type MacroValues, POSTBACK_MACRO_PREFIX } from '@ricochet/domain/templates';

/**
 * Applies the caller's overrides: `payout` sets a macro, `postback.goal` a postback parameter. A value
 * sent as a JSON number is taken as written (`numberTexts`, read from the raw body), never through
 * `Number#toString` (`0.0000001` would become `1e-7`).
 */
export function withOverrides(
  values: MacroValues,
  overrides: Record<string, unknown>,
  numberTexts: ReadonlyMap<string, string> = new Map(),
): MacroValues {
  const result: MacroValues = { ...values, postback: { ...values.postback } };
  const postback: Record<string, string> = { ...values.postback };
  for (const [name, value] of Object.entries(overrides)) {
    const text = (typeof value === 'number' ? numberTexts.get(name) : undefined) ?? String(value);
    if (name.startsWith(POSTBACK_MACRO_PREFIX)) postback[name.slice(POSTBACK_MACRO_PREFIX.length)] = text;
    else (result as Record<string, unknown>)[name] = text;
  }
  result.postback = postback;
  return result;
}
