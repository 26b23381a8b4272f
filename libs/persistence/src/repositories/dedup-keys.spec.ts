import { conversionDedupKey } from './conversion.repository';
import { deliveryIdempotencyKey } from './delivery.repository';

const advertiserId = '65f0c0ffee0000000000abcd';

describe('conversionDedupKey', () => {
  it('keys by advertiser and txid when a txid is present', () => {
    expect(conversionDedupKey({ advertiserId, txid: 'T-1', clickId: 'c1', event: 'ftd' })).toBe(
      conversionDedupKey({ advertiserId, txid: 'T-1', clickId: 'c2', event: 'deposit' }),
    );
  });

  it('keys by click and event without a txid', () => {
    expect(conversionDedupKey({ advertiserId, clickId: 'c1', event: 'ftd' })).not.toBe(
      conversionDedupKey({ advertiserId, clickId: 'c1', event: 'registration' }),
    );
    expect(conversionDedupKey({ advertiserId, txid: '', clickId: 'c1', event: 'ftd' })).toBe(
      conversionDedupKey({ advertiserId, clickId: 'c1', event: 'ftd' }),
    );
  });

  it('cannot be made to collide by separators inside the values', () => {
    expect(conversionDedupKey({ advertiserId, clickId: 'a:b', event: 'c' })).not.toBe(
      conversionDedupKey({ advertiserId, clickId: 'a', event: 'b:c' }),
    );
  });
});

describe('deliveryIdempotencyKey', () => {
  it('is conversion:endpoint:status', () => {
    expect(deliveryIdempotencyKey({ conversionId: 'C', endpointId: 'E', status: 'approved' })).toBe(
      'c:e:approved',
    );
  });
});
