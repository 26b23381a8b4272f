/**
 * Ids of one benchmark phase. A phase is a group `<run><chain><phase>`; its n-th postback carries click
 * id `c<group>-<n>` and txid `t<group>-<n>`, and the click's ext click id (what the forward carries to
 * the receiver, which groups requests by everything before the last `-`) is `x` + the click id.
 */
export function clickIdOf(group: string, n: number): string {
  return `c${group}-${n}`;
}

export function txidOf(group: string, n: number): string {
  return `t${group}-${n}`;
}

/** The ext click id registered with a click (product) or derived by the ceiling worker. */
export function extOf(clickId: string): string {
  return `x${clickId}`;
}

/** The receiver's group name for a phase's forwards. */
export function receiverGroupOf(group: string): string {
  return extOf(`c${group}`);
}

/** The index `n` of a forwarded ext click id of `group`, or -1 when it is not one of the group's. */
export function indexOfExt(group: string, ext: string): number {
  const prefix = `${receiverGroupOf(group)}-`;
  if (!ext.startsWith(prefix)) return -1;
  const n = Number(ext.slice(prefix.length));
  return Number.isInteger(n) ? n : -1;
}
