import { Long } from 'bson';
import { validateCommand } from './options';

const refusal = (name: string, command: Record<string, unknown>): unknown => {
  try {
    validateCommand(name, command);
    return 'accepted';
  } catch (error) {
    const { code, message } = error as { code: number; message: string };
    return { code, message };
  }
};

describe('validateCommand', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a retryable write (txnNumber alone)', { insert: 'c', documents: [], txnNumber: Long.fromNumber(1) }],
    ['a transaction statement', { find: 'c', startTransaction: true, autocommit: false, txnNumber: 1 }],
    ['autocommit alone', { find: 'c', autocommit: false }],
  ])('refuses %s like a standalone mongod (IllegalOperation)', (_label, command) => {
    expect(refusal(Object.keys(command)[0], command)).toEqual({
      code: 20,
      message: expect.stringContaining(
        'Transaction numbers are only allowed on a replica set member or mongos',
      ),
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['let on find', { find: 'c', let: { a: 1 } }, '"let"'],
    ['let on delete', { delete: 'c', deletes: [{ q: {}, limit: 0 }], let: { a: 1 } }, '"let"'],
    [
      'collation on a delete statement',
      { delete: 'c', deletes: [{ q: {}, limit: 0, collation: { locale: 'fr' } }] },
      'collation',
    ],
    ['collation on findAndModify', { findAndModify: 'c', collation: { locale: 'en' } }, 'collation'],
    ['constants on an update statement', { update: 'c', updates: [{ q: {}, u: [], c: { a: 1 } }] }, '"c"'],
    ['readConcern afterClusterTime', { find: 'c', readConcern: { afterClusterTime: 1 } }, 'afterClusterTime'],
    ['a tailable cursor', { find: 'c', tailable: true }, 'tailable'],
  ])('refuses %s, saying the stand-in does not support it', (_label, command, what) => {
    const outcome = refusal(Object.keys(command)[0], command) as { code: number; message: string };
    expect(outcome.code).toBe(2);
    expect(outcome.message).toContain(what);
    expect(outcome.message).toContain('is not supported by the mongo stand-in');
  });

  it('refuses an update statement sort as MongoDB 7.0 does, and says why', () => {
    expect(
      refusal('update', { update: 'c', updates: [{ q: {}, u: { $set: { a: 1 } }, sort: { a: 1 } }] }),
    ).toEqual({
      code: 40415,
      message: expect.stringMatching(
        /^BSON field 'update\.updates\.sort' is an unknown field\. .*MongoDB 7\.0/,
      ),
    });
  });

  it('refuses fields a command does not have, in the command and in its statements', () => {
    expect(refusal('count', { count: 'c', sort: { a: 1 } })).toMatchObject({ code: 40415 });
    expect(refusal('distinct', { distinct: 'c', key: 'a', hint: { a: 1 } })).toMatchObject({ code: 40415 });
    expect(
      refusal('update', { update: 'c', updates: [{ q: {}, u: {}, upsertSupplied: true }] }),
    ).toMatchObject({
      code: 40415,
      message: expect.stringContaining("'update.updates.upsertSupplied'"),
    });
  });

  it('accepts what one in-memory node honours', () => {
    expect(
      refusal('find', {
        find: 'c',
        filter: {},
        hint: { a: 1 },
        collation: { locale: 'simple' },
        comment: 'x',
        maxTimeMS: 10,
        readConcern: { level: 'majority' },
        $readPreference: { mode: 'secondaryPreferred' },
        lsid: { id: 1 },
        $db: 'd',
      }),
    ).toBe('accepted');
    expect(
      refusal('insert', {
        insert: 'c',
        documents: [],
        writeConcern: { w: 'majority', j: true, wtimeout: 5 },
      }),
    ).toBe('accepted');
    expect(refusal('insert', { insert: 'c', documents: [], writeConcern: { w: 0 } })).toBe('accepted');
    expect(refusal('ping', { ping: 1, apiVersion: '1', apiDeprecationErrors: true })).toBe('accepted');
  });
});
