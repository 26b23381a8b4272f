import {
  compilePostbackRules,
  parsePostback,
  type PostbackInput,
  type PostbackRules,
} from './postback-parser';
import { PostbackParamError, type PostbackParamErrorCode } from './postback-param.error';

function paramErrorOf(input: PostbackInput, rules?: PostbackRules): PostbackParamError {
  try {
    parsePostback(input, rules);
  } catch (err) {
    if (err instanceof PostbackParamError) return err;
    throw err;
  }
  throw new Error('expected a PostbackParamError');
}

function expectRefused(
  input: PostbackInput,
  code: PostbackParamErrorCode,
  param?: string,
  rules?: PostbackRules,
) {
  const err = paramErrorOf(input, rules);
  expect(err.code).toBe(code);
  expect(err.message.startsWith(`${code}: `)).toBe(true);
  if (param !== undefined) expect(err.param).toBe(param);
  return err;
}

describe('parsePostback', () => {
  it('reads a full postback under the canonical names', () => {
    expect(
      parsePostback({
        click_id: 'abc123',
        payout: '12.50',
        txid: 'T-1',
        status: 'approved',
        event: 'ftd',
        currency: 'usd',
      }),
    ).toEqual({
      clickId: 'abc123',
      payout: 12_500_000,
      txid: 'T-1',
      status: 'approved',
      rawStatus: 'approved',
      event: 'ftd',
      currency: 'USD',
      params: {
        click_id: 'abc123',
        payout: '12.50',
        txid: 'T-1',
        status: 'approved',
        event: 'ftd',
        currency: 'usd',
      },
    });
  });

  it('defaults to an approved "conversion" when only the click id is sent', () => {
    const parsed = parsePostback({ cid: 'abc' });
    expect(parsed).toEqual({
      clickId: 'abc',
      status: 'approved',
      event: 'conversion',
      params: { cid: 'abc' },
    });
  });

  it.each([
    ['clickid', 'clickId'],
    ['cid', 'clickId'],
    ['subid', 'clickId'],
    ['sub_id', 'clickId'],
    ['cnv_id', 'clickId'],
  ])('takes "%s" as the click id', (name) => {
    expect(parsePostback({ [name]: 'xyz' }).clickId).toBe('xyz');
  });

  it.each(['amount', 'sum', 'revenue', 'rev'])('takes "%s" as the payout', (name) => {
    expect(parsePostback({ cid: 'c', [name]: '3.5' }).payout).toBe(3_500_000);
  });

  it.each(['tid', 'transaction_id', 'order_id', 'orderid'])('takes "%s" as the txid', (name) => {
    expect(parsePostback({ cid: 'c', [name]: 'T9' }).txid).toBe('T9');
  });

  it.each(['cnv_status', 'conv_status'])('takes "%s" as the status', (name) => {
    expect(parsePostback({ cid: 'c', [name]: 'pending' }).status).toBe('pending');
  });

  it.each(['goal', 'et', 'type'])('takes "%s" as the event', (name) => {
    expect(parsePostback({ cid: 'c', [name]: 'reg' }).event).toBe('reg');
  });

  it.each(['cur', 'cnv_currency'])('takes "%s" as the currency', (name) => {
    expect(parsePostback({ cid: 'c', [name]: 'EUR' }).currency).toBe('EUR');
  });

  it('matches alias names case-insensitively and keeps the received name in params', () => {
    const parsed = parsePostback({ CID: 'abc', Payout: '1' });
    expect(parsed.clickId).toBe('abc');
    expect(parsed.payout).toBe(1_000_000);
    expect(parsed.params).toEqual({ CID: 'abc', Payout: '1' });
  });

  it('keeps every other parameter for {postback.NAME}', () => {
    const sub = 'x'.repeat(500);
    const parsed = parsePostback({ cid: 'c', adv_sub1: sub, 'geo.country': 'DE' });
    expect(parsed.params).toEqual({ cid: 'c', adv_sub1: sub, 'geo.country': 'DE' });
  });

  it('never keeps the postback token', () => {
    expect(parsePostback({ cid: 'c', token: 'secret', TOKEN: 'secret' }).params).toEqual({ cid: 'c' });
  });

  describe('with an advertiser paramMap', () => {
    const everflow = compilePostbackRules({ paramMap: { clickId: ['transaction_id'] } });

    it('reads the mapped name as the click id', () => {
      expect(parsePostback({ transaction_id: 'ef-1', amount: '2' }, everflow).clickId).toBe('ef-1');
    });

    it('stops the mapped name from also counting as txid', () => {
      const parsed = parsePostback({ transaction_id: 'ef-1', order_id: 'O-7' }, everflow);
      expect(parsed.txid).toBe('O-7');
      expect(parsePostback({ transaction_id: 'ef-1' }, everflow).txid).toBeUndefined();
    });

    it('replaces the default click-id aliases', () => {
      expectRefused({ click_id: 'abc' }, 'MISSING_CLICK_ID', 'transaction_id', everflow);
    });

    it('accepts a single name in place of a list', () => {
      const rules = compilePostbackRules({ paramMap: { payout: 'adv_amount' } });
      expect(parsePostback({ cid: 'c', adv_amount: '4' }, rules).payout).toBe(4_000_000);
      expect(parsePostback({ cid: 'c', amount: '4' }, rules).payout).toBeUndefined();
    });
  });

  describe('statuses', () => {
    it.each([
      ['approved', 'approved'],
      ['approve', 'approved'],
      ['sale', 'approved'],
      ['confirmed', 'approved'],
      ['1', 'approved'],
      ['pending', 'pending'],
      ['hold', 'pending'],
      ['lead', 'pending'],
      ['2', 'pending'],
      ['rejected', 'rejected'],
      ['declined', 'rejected'],
      ['decline', 'rejected'],
      ['reject', 'rejected'],
      ['chargeback', 'rejected'],
      ['3', 'rejected'],
      ['SALE', 'approved'],
      [' Hold ', 'pending'],
    ])('normalises "%s" to %s and keeps the raw word', (raw, status) => {
      const parsed = parsePostback({ cid: 'c', status: raw });
      expect(parsed.status).toBe(status);
      expect(parsed.rawStatus).toBe(raw);
    });

    it('prefers the advertiser’s statusMap over the defaults, case-insensitively', () => {
      const rules = compilePostbackRules({ statusMap: { '1': 'pending', Billed: 'approved' } });
      expect(parsePostback({ cid: 'c', status: '1' }, rules).status).toBe('pending');
      expect(parsePostback({ cid: 'c', status: 'BILLED' }, rules).status).toBe('approved');
      expect(parsePostback({ cid: 'c', status: 'declined' }, rules).status).toBe('rejected');
    });

    it('refuses an unknown status and lists the accepted words', () => {
      const err = expectRefused({ cid: 'c', cnv_status: '5' }, 'UNKNOWN_STATUS', 'cnv_status');
      expect(err.message).toContain('approved, approve, sale');
      expect(err.message).toContain('chargeback');
      expect(err.message).toContain('statusMap');
    });
  });

  describe('empty values', () => {
    it('treats empty payout, status, txid, event and currency as absent', () => {
      const parsed = parsePostback({ cid: 'c', payout: '', status: '', txid: '', event: '', currency: '' });
      expect(parsed).toEqual({
        clickId: 'c',
        status: 'approved',
        event: 'conversion',
        params: { cid: 'c', payout: '', status: '', txid: '', event: '', currency: '' },
      });
    });

    it('refuses an empty click id as missing', () => {
      expectRefused({ click_id: '' }, 'MISSING_CLICK_ID', 'click_id');
    });

    it('lets a filled alias win over an empty one', () => {
      expect(parsePostback({ click_id: '', cid: 'abc' }).clickId).toBe('abc');
      expect(parsePostback({ cid: 'abc', click_id: '' }).clickId).toBe('abc');
    });
  });

  describe('refusals', () => {
    it('refuses a postback without a click id and says which name to use', () => {
      const err = expectRefused({ payout: '1' }, 'MISSING_CLICK_ID', 'click_id');
      expect(err.message).toContain('"click_id"');
      expect(err.message).toContain('cid');
    });

    it('refuses a click id over 128 characters', () => {
      expectRefused({ cid: 'a'.repeat(129) }, 'INVALID_CLICK_ID', 'cid');
      expect(parsePostback({ cid: 'a'.repeat(128) }).clickId).toHaveLength(128);
    });

    it('refuses a click id with control characters', () => {
      expectRefused({ cid: 'ab\ncd' }, 'INVALID_CLICK_ID', 'cid');
    });

    it.each(['{clickid}', '${SUBID}', '[clickid]', '#s2#', '%subid%'])(
      'refuses the unreplaced macro %s as the click id',
      (value) => {
        expect(expectRefused({ cid: value }, 'INVALID_CLICK_ID', 'cid').message).toContain('macro');
      },
    );

    it('refuses a name sent twice with different values', () => {
      expectRefused({ cid: ['a', 'b'] }, 'DUPLICATE_PARAMETER', 'cid');
    });

    it('collapses a name sent twice with the same value', () => {
      expect(parsePostback({ cid: ['a', 'a'] }).params.cid).toBe('a');
    });

    it('refuses two aliases of one field with different values and names both', () => {
      const err = expectRefused({ click_id: 'a', cid: 'b' }, 'DUPLICATE_PARAMETER', 'cid');
      expect(err.message).toContain('"click_id" and "cid"');
    });

    it('accepts two aliases of one field with the same value', () => {
      expect(parsePostback({ click_id: 'a', cid: 'a', amount: '1', payout: '1' }).payout).toBe(1_000_000);
    });

    it('refuses a malformed payout under the name it was sent with', () => {
      const err = expectRefused({ cid: 'c', amount: '12,5' }, 'INVALID_PAYOUT', 'amount');
      expect(err.message).toBe(
        'INVALID_PAYOUT: "amount" must be a decimal number with a dot and no thousands separator, like 1234.50, got "12,5"',
      );
    });

    it.each(['-1', '1e3', 'NaN', 'Infinity'])('refuses the payout %p', (payout) => {
      expectRefused({ cid: 'c', payout }, 'INVALID_PAYOUT', 'payout');
    });

    it('refuses an unknown currency', () => {
      expectRefused({ cid: 'c', cur: 'XYZ' }, 'INVALID_CURRENCY', 'cur');
    });

    it('refuses a txid over 128 characters', () => {
      expectRefused({ cid: 'c', txid: 't'.repeat(129) }, 'INVALID_TXID', 'txid');
    });

    it.each(['has space', 'é', 'a/b', 'x'.repeat(65)])('refuses the event %p', (event) => {
      expectRefused({ cid: 'c', goal: event }, 'INVALID_EVENT', 'goal');
    });

    it('lower-cases the event and accepts its punctuation', () => {
      expect(parsePostback({ cid: 'c', event: 'Deposit.2:FTD_x-1' }).event).toBe('deposit.2:ftd_x-1');
    });

    it('refuses a value over 2048 characters and names it', () => {
      const err = expectRefused({ cid: 'c', note: 'n'.repeat(2049) }, 'PARAMETER_TOO_LONG', 'note');
      expect(err.message).toContain('"note"');
    });

    it.each(['', 'n'.repeat(65), 'a\u0000b', '__proto__'])('refuses the parameter name %p', (name) => {
      expectRefused({ cid: 'c', [name]: '1' }, 'INVALID_PARAMETER_NAME', name);
    });

    it('refuses more than 100 parameters', () => {
      const input: Record<string, string> = { cid: 'c' };
      for (let i = 0; i < 100; i++) input[`p${i}`] = 'v';
      expectRefused(input, 'TOO_MANY_PARAMETERS');
    });

    it('counts every value of a repeated name toward the limit', () => {
      const input: Record<string, string | string[]> = { cid: 'c', rep: ['v', 'v'] };
      for (let i = 0; i < 98; i++) input[`p${i}`] = 'v';
      expectRefused(input, 'TOO_MANY_PARAMETERS');
    });

    it('accepts exactly 100 parameters', () => {
      const input: Record<string, string> = { cid: 'c' };
      for (let i = 0; i < 99; i++) input[`p${i}`] = 'v';
      expect(Object.keys(parsePostback(input).params)).toHaveLength(100);
    });
  });
});

describe('placeholder-looking click ids', () => {
  it.each(['<clickid>', '{}', '{', '$', '[clickid]', '${SUBID}', '#s2#', '%subid%', '%%', '-', '..'])(
    'refuses %p with INVALID_CLICK_ID',
    (clickId) => {
      expect(() => parsePostback({ click_id: clickId })).toThrow(/^INVALID_CLICK_ID: /);
    },
  );

  it.each([
    'c7Hq2LmN0pRs4TuV6wXy8z',
    '550e8400-e29b-41d4-a716-446655440000',
    'Cj0KCQiA_gclid.like~id',
    '7',
    'ünï',
  ])('accepts the real click id %p', (clickId) => {
    expect(parsePostback({ click_id: clickId }).clickId).toBe(clickId);
  });
});
