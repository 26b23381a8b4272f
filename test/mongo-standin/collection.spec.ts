import { ObjectId } from 'bson';
import { Collection } from './collection';
import { DuplicateKeyError } from './errors';
import { applyUpdate } from './updates';

describe('Collection', () => {
  function seeded(count: number): Collection {
    const collection = new Collection('db', 'items');
    collection.createIndex({ key: { email: 1 }, unique: true, name: 'email_1' });
    collection.createIndex({ key: { nick: 1 }, sparse: true, name: 'nick_1' });
    for (let i = 0; i < count; i++) collection.insert({ _id: new ObjectId(), email: `u${i}@x`, n: i % 10 });
    return collection;
  }

  it('answers equality and $in on a unique index from its map, in insertion order', () => {
    const collection = seeded(1000);
    expect(collection.candidates({ email: 'u500@x' })).toEqual({
      docs: [expect.objectContaining({ email: 'u500@x' })],
      exact: true,
    });
    expect(
      collection.candidates({ email: { $in: ['u9@x', 'u3@x', 'nobody'] } })?.docs.map((d) => d.email),
    ).toEqual(['u3@x', 'u9@x']);
  });

  it('marks a lookup inexact when the filter has other conditions', () => {
    const collection = seeded(10);
    expect(collection.candidates({ email: 'u1@x', n: 2 })).toEqual({
      docs: [expect.anything()],
      exact: false,
    });
  });

  it('scans when no index covers the filter, or the index is sparse', () => {
    const collection = seeded(10);
    expect(collection.candidates({ n: 1 })).toBeUndefined();
    expect(collection.candidates({ email: { $gt: 'u' } })).toBeUndefined();
    expect(collection.candidates({ nick: 'x' })).toBeUndefined();
  });

  it('keeps the index consistent across updates and removals', () => {
    const collection = seeded(3);
    const [first] = collection.candidates({ email: 'u0@x' })!.docs;
    const { doc: renamed } = applyUpdate(first, { $set: { email: 'renamed@x' } });
    collection.replace(first, renamed);
    expect(first.email).toBe('u0@x');
    expect(collection.candidates({ email: 'u0@x' })?.docs).toEqual([]);
    expect(collection.candidates({ email: 'renamed@x' })?.docs).toEqual([renamed]);
    expect(() => collection.insert({ email: 'renamed@x' })).toThrow(DuplicateKeyError);
    collection.remove(renamed);
    expect(() => collection.insert({ email: 'renamed@x' })).not.toThrow();
  });

  it('leaves documents and indexes untouched when a write fails', () => {
    const collection = seeded(2);
    const [second] = collection.candidates({ email: 'u1@x' })!.docs;
    const { doc: clash } = applyUpdate(second, { $set: { email: 'u0@x' } });
    expect(() => collection.replace(second, clash)).toThrow(DuplicateKeyError);
    expect(collection.candidates({ email: 'u1@x' })?.docs).toEqual([second]);
    expect(collection.size).toBe(2);
  });

  it('expires documents whose TTL date has passed', () => {
    const collection = new Collection('db', 'sessions');
    collection.createIndex({ key: { at: 1 }, name: 'at_1', expireAfterSeconds: 60 });
    const now = Date.now();
    collection.insert({ at: new Date(now - 61_000) });
    collection.insert({ at: new Date(now - 59_000) });
    collection.insert({ at: 'not a date' });
    expect(collection.expire(now)).toBe(1);
    expect(collection.size).toBe(2);
  });
});
