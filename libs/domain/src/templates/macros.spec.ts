import { allowedMacros, FORWARD_MACROS, OFFER_URL_MACROS, sampleMacroValues } from './macros';

describe('macro sets', () => {
  it('offers the click-side macros to offer URLs', () => {
    expect(OFFER_URL_MACROS).toEqual([
      'click_id',
      'ext_click_id',
      'offer_id',
      'source_id',
      'sub1',
      'sub2',
      'sub3',
      'sub4',
      'sub5',
      'sub6',
      'sub7',
      'sub8',
      'sub9',
      'sub10',
    ]);
    expect(allowedMacros('offer-url')).toBe(OFFER_URL_MACROS);
  });

  it('offers every macro of the product to forward templates', () => {
    for (const name of [
      'payout',
      'revenue',
      'currency',
      'status',
      'event',
      'txid',
      'conversion_id',
      'timestamp',
      'iso_time',
      'country',
    ]) {
      expect(FORWARD_MACROS).toContain(name);
    }
    expect(allowedMacros('json-body')).toBe(FORWARD_MACROS);
  });
});

describe('sampleMacroValues', () => {
  it('gives every named macro a value', () => {
    const values = sampleMacroValues();
    for (const name of FORWARD_MACROS) expect(values[name]).toEqual(expect.any(String));
  });

  it('returns a fresh object each time', () => {
    const a = sampleMacroValues();
    a.sub1 = 'changed';
    expect(sampleMacroValues().sub1).toBe('sub1-sample');
  });
});
