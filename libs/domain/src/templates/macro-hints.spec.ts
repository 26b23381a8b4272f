import { equivalentMacro, macroListHint, suggestMacro } from './macro-hints';

describe('equivalentMacro', () => {
  it.each([
    ['SUBID', 'forward-url', 'ext_click_id'],
    ['clickid', 'forward-url', 'ext_click_id'],
    ['visitor_id', 'json-body', 'ext_click_id'],
    ['subid', 'offer-url', 'click_id'],
    ['sum', 'forward-url', 'payout'],
    ['amount', 'forward-url', 'payout'],
    ['transaction_id', 'forward-url', 'txid'],
    ['status', 'forward-url', 'status'],
    ['s2', 'forward-url', 'sub2'],
    ['sub_id_3', 'forward-url', 'sub3'],
    ['aff_sub', 'forward-url', 'sub1'],
    ['c4', 'forward-url', 'sub4'],
  ] as const)('maps %s in a %s to {%s}', (name, kind, macro) => {
    expect(equivalentMacro(name, kind)).toBe(macro);
  });

  it('knows no equivalent for an unrelated word or sub slots past 10', () => {
    expect(equivalentMacro('banana', 'forward-url')).toBeUndefined();
    expect(equivalentMacro('s11', 'forward-url')).toBeUndefined();
  });
});

describe('suggestMacro', () => {
  it('suggests {click_id} for {clickid} and mentions {ext_click_id} in forward templates', () => {
    expect(suggestMacro('clickid', 'offer-url')).toBe('did you mean {click_id}?');
    expect(suggestMacro('clickid', 'forward-url')).toContain('{ext_click_id}');
  });

  it('suggests a macro that differs only in case', () => {
    expect(suggestMacro('PAYOUT', 'forward-url')).toBe('did you mean {payout}?');
  });

  it('suggests a macro within two typos', () => {
    expect(suggestMacro('paoyut', 'forward-url')).toBe('did you mean {payout}?');
    expect(suggestMacro('convresion_id', 'forward-url')).toBe('did you mean {conversion_id}?');
  });

  it('suggests nothing for a far-off word', () => {
    expect(suggestMacro('banana', 'forward-url')).toBeUndefined();
  });
});

describe('macroListHint', () => {
  it('lists the macros of the kind', () => {
    expect(macroListHint('offer-url')).toContain('{sub10}');
    expect(macroListHint('offer-url')).not.toContain('{payout}');
    expect(macroListHint('forward-url')).toContain('{postback.NAME}');
  });
});
