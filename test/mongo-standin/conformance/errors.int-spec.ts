import { Decimal128, Long } from 'mongodb';
import { suiteContext } from '../../support/suite';
import { type ConformanceDb, failureOf, openConformanceDb } from './conformance-db';

describe('conformance: failures are loud and shaped like the server', () => {
  const ctx = suiteContext('conformance-errors');
  let conn: ConformanceDb;

  beforeAll(async () => {
    conn = await openConformanceDb(ctx);
  });

  afterAll(async () => {
    await conn.close();
  });

  it('fails an unknown command with CommandNotFound', async () => {
    const error = await failureOf(conn.db.command({ frobnicate: 1 }));
    expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
    expect(error.message).toContain('frobnicate');
  });

  it('fails an unknown query operator with BadValue', async () => {
    const error = await failureOf(
      conn.db
        .collection('any')
        .find({ a: { $frobnicate: 1 } })
        .toArray(),
    );
    expect(error.code).toBe(2);
    expect(error.message).toContain('$frobnicate');
  });

  it('fails an unknown update operator with FailedToParse', async () => {
    await conn.db.collection('any').insertOne({ a: 1 });
    const error = await failureOf(conn.db.collection('any').updateOne({ a: 1 }, { $frobnicate: { a: 2 } }));
    expect(error.code).toBe(9);
    expect(error.message).toContain('$frobnicate');
  });

  it('fails getMore on a cursor that does not exist', async () => {
    const error = await failureOf(
      conn.db.command({ getMore: Long.fromNumber(123456789), collection: 'any' }),
    );
    expect(error).toMatchObject({ code: 43, codeName: 'CursorNotFound' });
  });

  it('round-trips Decimal128 values exactly', async () => {
    const prices = conn.db.collection('prices');
    await prices.insertOne({ sku: 'a', price: Decimal128.fromString('12.340') });
    const doc = await prices.findOne({ sku: 'a' });
    expect(doc?.price).toBeInstanceOf(Decimal128);
    expect(doc?.price.toString()).toBe('12.340');
  });

  it('compares Decimal128 numerically, or (stand-in) refuses to compare them', async () => {
    const amounts = conn.db.collection('amounts');
    await amounts.insertMany(['9', '10', '100'].map((v) => ({ v: Decimal128.fromString(v) })));
    const outcome = await amounts
      .find({}, { projection: { _id: 0 } })
      .sort({ v: 1 })
      .toArray()
      .then(
        (docs) => ({ order: docs.map((d) => String(d.v)) }),
        (error: { code?: number }) => ({ code: error.code }),
      );
    expect(outcome).toEqual(conn.standin ? { code: 2 } : { order: ['9', '10', '100'] });
  });
});
