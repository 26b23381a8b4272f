/**
 * What makes two postbacks the same conversion (DESIGN §4.2): `(advertiserId, txid)` when the
 * advertiser sent a transaction id, else `(clickId, event)`. Repeated deposits on one click are told
 * apart by txid; distinct events on one click without txid are distinct conversions.
 */
export type DedupKey =
  | { kind: 'txid'; advertiserId: string; txid: string }
  | { kind: 'click-event'; clickId: string; event: string };

/** The fields of a parsed, authenticated postback that {@link dedupKey} reads. */
export interface DedupKeyInput {
  advertiserId: string;
  clickId: string;
  event: string;
  /** Absent or empty means "no transaction id". */
  txid?: string;
}

/** Picks the dedup key of a postback: the txid key when a txid is present, else click + event. */
export function dedupKey(input: DedupKeyInput): DedupKey {
  if (input.txid) return { kind: 'txid', advertiserId: input.advertiserId, txid: input.txid };
  return { kind: 'click-event', clickId: input.clickId, event: input.event };
}

/**
 * One string per key, for a unique index: `txid:<advertiserId>:<txid>` or
 * `click-event:<clickId>:<event>`. Parts are percent-encoded, so a `:` inside a txid can never make
 * two different keys collide.
 */
export function formatDedupKey(key: DedupKey): string {
  return key.kind === 'txid'
    ? `txid:${encodeURIComponent(key.advertiserId)}:${encodeURIComponent(key.txid)}`
    : `click-event:${encodeURIComponent(key.clickId)}:${encodeURIComponent(key.event)}`;
}
