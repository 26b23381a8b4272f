import mongoose, { type Connection, Schema } from 'mongoose';
import { suiteContext } from '../../support/suite';
import { failureOf } from './conformance-db';

interface Account {
  email: string;
  plan: string;
  logins: number;
  createdAt?: Date;
}

const accountSchema = new Schema<Account>(
  {
    email: { type: String, required: true, unique: true },
    plan: { type: String, required: true, index: true },
    logins: { type: Number, default: 0 },
  },
  { timestamps: true },
);

describe('conformance: a mongoose model round trip', () => {
  const ctx = suiteContext('conformance-mongoose');
  let connection: Connection;
  let Accounts: mongoose.Model<Account>;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(ctx.mongoUrl, { serverSelectionTimeoutMS: 5000 })
      .asPromise();
    Accounts = connection.model<Account>('Account', accountSchema);
    await Accounts.init();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('creates the collection and the schema indexes on init', async () => {
    const indexes = await Accounts.listIndexes();
    expect(indexes.map((index) => index.name)).toEqual(['_id_', 'email_1', 'plan_1']);
    expect(indexes.find((index) => index.name === 'email_1')).toMatchObject({ unique: true });
    const collections = await connection.db!.listCollections({ name: 'accounts' }).toArray();
    expect(collections).toHaveLength(1);
  });

  it('creates documents and rejects a duplicate with E11000', async () => {
    const created = await Accounts.create({ email: 'a@example.com', plan: 'pro' });
    expect(created.createdAt).toBeInstanceOf(Date);
    const error = await failureOf(Accounts.create({ email: 'a@example.com', plan: 'free' }));
    expect(error).toMatchObject({ code: 11000, keyValue: { email: 'a@example.com' } });
    expect(error.message).toContain('E11000 duplicate key error');
  });

  it('upserts with findOneAndUpdate and increments on the next call', async () => {
    const first = await Accounts.findOneAndUpdate(
      { email: 'b@example.com' },
      { $inc: { logins: 1 }, $setOnInsert: { plan: 'free' } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(first).toMatchObject({ email: 'b@example.com', plan: 'free', logins: 1 });
    const second = await Accounts.findOneAndUpdate(
      { email: 'b@example.com' },
      { $inc: { logins: 1 }, $setOnInsert: { plan: 'ignored' } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(second).toMatchObject({ plan: 'free', logins: 2 });
    expect(second?._id).toEqual(first?._id);
  });

  it('counts, checks existence and reads lean documents in sort order', async () => {
    await Accounts.insertMany([
      { email: 'c@example.com', plan: 'pro', logins: 7 },
      { email: 'd@example.com', plan: 'pro', logins: 3 },
    ]);
    expect(await Accounts.countDocuments({ plan: 'pro' })).toBe(3);
    expect(await Accounts.estimatedDocumentCount()).toBe(4);
    expect(await Accounts.exists({ email: 'd@example.com' })).not.toBeNull();
    expect(await Accounts.exists({ email: 'nobody@example.com' })).toBeNull();
    const pro = await Accounts.find({ plan: 'pro' }).sort({ logins: -1 }).select({ _id: 0, email: 1 }).lean();
    expect(pro).toEqual([{ email: 'c@example.com' }, { email: 'd@example.com' }, { email: 'a@example.com' }]);
  });

  it('runs a mixed bulkWrite', async () => {
    const result = await Accounts.bulkWrite([
      { insertOne: { document: { email: 'e@example.com', plan: 'free' } } },
      { updateOne: { filter: { email: 'e@example.com' }, update: { $inc: { logins: 5 } } } },
      { deleteOne: { filter: { email: 'e@example.com', logins: 5 } } },
    ]);
    expect(result).toMatchObject({ insertedCount: 1, modifiedCount: 1, deletedCount: 1 });
  });

  it('updates and deletes many, and iterates a cursor', async () => {
    const updated = await Accounts.updateMany({ plan: 'pro' }, { $set: { plan: 'team' } });
    expect(updated.modifiedCount).toBe(3);
    const emails: string[] = [];
    for await (const account of Accounts.find({ plan: 'team' }).sort({ email: 1 }).cursor())
      emails.push(account.email);
    expect(emails).toEqual(['a@example.com', 'c@example.com', 'd@example.com']);
    const deleted = await Accounts.deleteMany({ plan: 'team' });
    expect(deleted.deletedCount).toBe(3);
    expect(await Accounts.countDocuments()).toBe(1);
  });

  it('keeps indexes in sync with the schema', async () => {
    await Accounts.collection.createIndex({ logins: 1 });
    const dropped = await Accounts.syncIndexes();
    expect(dropped).toEqual(['logins_1']);
    expect((await Accounts.listIndexes()).map((index) => index.name)).toEqual(['_id_', 'email_1', 'plan_1']);
  });
});
