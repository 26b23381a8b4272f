import { compileParamAliases, DEFAULT_PARAM_ALIASES, validateParamMap } from './param-map';
import { PostbackConfigError } from './postback-config.error';

function configErrorOf(input: unknown): PostbackConfigError {
  try {
    validateParamMap(input);
  } catch (err) {
    if (err instanceof PostbackConfigError) return err;
    throw err;
  }
  throw new Error('expected a PostbackConfigError');
}

describe('validateParamMap', () => {
  it('normalises single names to lists', () => {
    expect(validateParamMap({ clickId: 'transaction_id', payout: ['amount', 'adv_amount'] })).toEqual({
      clickId: ['transaction_id'],
      payout: ['amount', 'adv_amount'],
    });
  });

  it('treats a missing map as defaults only', () => {
    expect(validateParamMap(undefined)).toEqual({});
    expect(validateParamMap(null)).toEqual({});
  });

  it('drops a name repeated within one list', () => {
    expect(validateParamMap({ txid: ['oid', 'OID'] })).toEqual({ txid: ['oid'] });
  });

  it('refuses a key that is not a canonical field and suggests the right one', () => {
    const err = configErrorOf({ click_id: ['x'] });
    expect(err.code).toBe('INVALID_PARAM_MAP');
    expect(err.param).toBe('paramMap.click_id');
    expect(err.hint).toBe('did you mean "clickId"?');
  });

  it('refuses a name claimed by two fields, whatever its case', () => {
    const err = configErrorOf({ clickId: ['ref'], txid: ['REF'] });
    expect(err.code).toBe('INVALID_PARAM_MAP');
    expect(err.message).toContain('claimed by both clickId and txid');
  });

  it.each([[[]], [''], ['has space'], ['x'.repeat(65)], [['ok', 5]], ['token'], [{ a: 1 }]])(
    'refuses the alias list %p',
    (value) => {
      expect(configErrorOf({ payout: value }).code).toBe('INVALID_PARAM_MAP');
    },
  );

  it.each([['x'], [['clickId']], [42]])('refuses %p as a map', (value) => {
    expect(configErrorOf(value).code).toBe('INVALID_PARAM_MAP');
  });
});

describe('compileParamAliases', () => {
  it('resolves every default alias to its field', () => {
    const { byName } = compileParamAliases();
    for (const [field, names] of Object.entries(DEFAULT_PARAM_ALIASES)) {
      for (const name of names) expect(byName.get(name)).toBe(field);
    }
  });

  it('replaces a field’s aliases and removes claimed names from the other fields', () => {
    const { byName, namesOf } = compileParamAliases({ clickId: ['transaction_id'] });
    expect(byName.get('transaction_id')).toBe('clickId');
    expect(byName.get('click_id')).toBeUndefined();
    expect(namesOf.txid).toEqual(['txid', 'tid', 'order_id', 'orderid']);
  });

  it('looks names up in lower case', () => {
    expect(compileParamAliases({ payout: ['AdvAmount'] }).byName.get('advamount')).toBe('payout');
  });
});
