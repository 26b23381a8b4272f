import { dedupKey, formatDedupKey } from './dedup-key';

describe('dedupKey', () => {
  it('keys on advertiser and txid when a txid is present', () => {
    expect(dedupKey({ advertiserId: 'adv1', clickId: 'c1', event: 'deposit', txid: 'T-9' })).toEqual({
      kind: 'txid',
      advertiserId: 'adv1',
      txid: 'T-9',
    });
  });

  it('keys on click and event when there is no txid', () => {
    expect(dedupKey({ advertiserId: 'adv1', clickId: 'c1', event: 'ftd' })).toEqual({
      kind: 'click-event',
      clickId: 'c1',
      event: 'ftd',
    });
  });

  it('treats an empty txid as no txid', () => {
    expect(dedupKey({ advertiserId: 'adv1', clickId: 'c1', event: 'ftd', txid: '' }).kind).toBe(
      'click-event',
    );
  });
});

describe('formatDedupKey', () => {
  it('renders each kind with its own prefix', () => {
    expect(formatDedupKey({ kind: 'txid', advertiserId: 'a', txid: 't' })).toBe('txid:a:t');
    expect(formatDedupKey({ kind: 'click-event', clickId: 'c', event: 'e' })).toBe('click-event:c:e');
  });

  it('keeps keys distinct when a part contains the separator', () => {
    const a = formatDedupKey({ kind: 'txid', advertiserId: 'a:b', txid: 'c' });
    const b = formatDedupKey({ kind: 'txid', advertiserId: 'a', txid: 'b:c' });
    expect(a).not.toBe(b);
  });

  it('never lets a txid key equal a click-event key', () => {
    const a = formatDedupKey({ kind: 'txid', advertiserId: 'x', txid: 'y' });
    const b = formatDedupKey({ kind: 'click-event', clickId: 'x', event: 'y' });
    expect(a).not.toBe(b);
  });
});
