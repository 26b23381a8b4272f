import { fromStoredParamMap, postbackUrlExample, toStoredParamMap } from './advertiser.mapper';

describe('advertiser mapping', () => {
  it('inverts the paramMap for storage and back', () => {
    const stored = toStoredParamMap({ clickId: ['transaction_id', 'aff_sub'], payout: ['sum'] });
    expect(stored).toEqual({ transaction_id: 'clickId', aff_sub: 'clickId', sum: 'payout' });
    expect(fromStoredParamMap(stored)).toEqual({ clickId: ['transaction_id', 'aff_sub'], payout: ['sum'] });
  });

  it("builds the example postback URL with the advertiser's own parameter names", () => {
    expect(postbackUrlExample('tok', { clickId: ['aff_sub'] })).toBe(
      '/postback/tok?aff_sub={clickid}&payout={payout}&status={status}&txid={txid}',
    );
  });
});
