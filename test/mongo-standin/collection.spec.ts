import { ObjectId } from 'bson';
import { Collection } from './collection';
import { DuplicateKeyError } from './errors';
import { applyUpdate } from './updates';

describe('Collection', () => {
  function seeded(count: number): Collection {
    const collection = new Collection('db', 'items');
    collection.createIndex({ key: { email: 1 }, unique: true, name: 'email_1' });
    collection.createIndex({ key: { nick: 1 }, sparse: true, name: 'nick_1' });
    collection.createIndex({ key: { state: 1, at: 1 }, name: 'state_1_at_1' });
    for (let i = 0; i < count; i++) {
      collection.insert({
        _id: new ObjectId(),
        email: `u${i}@x`,
        n: i % 10,
        state: i % 2 ? 'odd' : 'even',
        at: i,
      });
    }
    return collection;
  }

  const indexUsed = (collection: Collection, filter: object): string | undefined =>
    collection.candidates(filter)?.index;

  it('answers equality and $in on a unique index from its map, in insertion order', () => {
    const collection = seeded(1000);
    expect(collection.candidates({ email: 'u500@x' })).toEqual({
      docs: [expect.objectContaining({ email: 'u500@x' })],
      exact: true,
      index: 'email_1',
    });
    expect(
      collection.candidates({ email: { $in: ['u9@x', 'u3@x', 'nobody'] } })?.docs.map((d) => d.email),
    ).toEqual(['u3@x', 'u9@x']);
  });

  it('marks a lookup inexact when the filter has other conditions or a dotted path', () => {
    const collection = seeded(10);
    expect(collection.candidates({ email: 'u1@x', n: 2 })).toMatchObject({ exact: false, index: 'email_1' });
    expect(collection.candidates({ email: { $in: ['u1@x'], $ne: 'u2@x' } })).toMatchObject({ exact: false });
    collection.createIndex({ key: { 'a.b': 1 }, name: 'a.b_1' });
    expect(collection.candidates({ 'a.b': 1 })).toMatchObject({ exact: false, index: 'a.b_1' });
  });

  it('uses the leading fields of a compound index, also inside $and', () => {
    const collection = seeded(100);
    const odd = collection.candidates({ state: 'odd' });
    expect(odd).toMatchObject({ exact: true, index: 'state_1_at_1' });
    expect(odd?.docs.map((d) => d.at)).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i + 1));
    expect(collection.candidates({ state: 'odd', at: 7 })?.docs.map((d) => d.at)).toEqual([7]);
    expect(collection.candidates({ state: 'odd', at: 8 })?.docs).toEqual([]);
    const swept = collection.candidates({ $and: [{ state: { $in: ['odd'] } }, { at: { $lte: 10 } }] });
    expect(swept).toMatchObject({ exact: false, index: 'state_1_at_1' });
    expect(swept?.docs).toHaveLength(50);
    // `at` is not a prefix of the index: nothing to look up.
    expect(collection.candidates({ at: 7 })).toBeUndefined();
  });

  it('picks the index with the fewest candidates', () => {
    const collection = seeded(100);
    expect(indexUsed(collection, { state: 'odd', email: 'u1@x' })).toBe('email_1');
    expect(indexUsed(collection, { state: 'odd', email: { $in: ['u1@x', 'u3@x'] } })).toBe('email_1');
  });

  it('uses a sparse index only for conditions a missing field cannot satisfy', () => {
    const collection = seeded(10);
    collection.insert({ email: 'ann@x', nick: 'ann' });
    collection.insert({ email: 'null@x', nick: null });
    expect(collection.candidates({ nick: 'ann' })).toMatchObject({ exact: true, index: 'nick_1' });
    expect(collection.candidates({ nick: { $lte: 'b' } })).toMatchObject({ exact: false, index: 'nick_1' });
    expect(collection.candidates({ nick: { $lte: 'b' } })?.docs.map((d) => d.nick)).toEqual(['ann', null]);
    expect(collection.candidates({ nick: null })).toBeUndefined();
    expect(collection.candidates({ nick: { $exists: true } })).toBeUndefined();
    expect(collection.candidates({ nick: { $in: ['ann', null] } })).toBeUndefined();
  });

  it('never uses partial or hidden indexes, nor paths with array positions', () => {
    const collection = new Collection('db', 'other');
    collection.createIndex({ key: { a: 1 }, name: 'a_1', partialFilterExpression: { b: 1 } });
    collection.createIndex({ key: { c: 1 }, name: 'c_1', hidden: true });
    collection.createIndex({ key: { 'd.0': 1 }, name: 'd.0_1' });
    collection.insert({ a: 1, c: 1, d: [1] });
    expect(collection.candidates({ a: 1 })).toBeUndefined();
    expect(collection.candidates({ c: 1 })).toBeUndefined();
    expect(collection.candidates({ 'd.0': 1 })).toBeUndefined();
  });

  it('keeps every index, prefixes included, consistent across updates and removals', () => {
    const collection = seeded(3);
    const [first] = collection.candidates({ email: 'u0@x' })!.docs;
    const { doc: renamed } = applyUpdate(first, { $set: { email: 'renamed@x', state: 'moved' } });
    collection.replace(first, renamed);
    expect(first.email).toBe('u0@x');
    expect(collection.candidates({ email: 'u0@x' })?.docs).toEqual([]);
    expect(collection.candidates({ email: 'renamed@x' })?.docs).toEqual([renamed]);
    expect(collection.candidates({ state: 'even' })?.docs.map((d) => d.email)).toEqual(['u2@x']);
    expect(collection.candidates({ state: 'moved' })?.docs).toEqual([renamed]);
    expect(() => collection.insert({ email: 'renamed@x' })).toThrow(DuplicateKeyError);
    collection.remove(renamed);
    expect(collection.candidates({ state: 'moved' })?.docs).toEqual([]);
    expect(collection.candidates({ _id: renamed._id })?.docs).toEqual([]);
    expect(() => collection.insert({ email: 'renamed@x' })).not.toThrow();
  });

  it('leaves documents and indexes untouched when a write fails', () => {
    const collection = seeded(2);
    const [second] = collection.candidates({ email: 'u1@x' })!.docs;
    const { doc: clash } = applyUpdate(second, { $set: { email: 'u0@x', state: 'changed' } });
    expect(() => collection.replace(second, clash)).toThrow(DuplicateKeyError);
    expect(collection.candidates({ email: 'u1@x' })?.docs).toEqual([second]);
    expect(collection.candidates({ state: 'odd' })?.docs).toEqual([second]);
    expect(collection.candidates({ state: 'changed' })?.docs).toEqual([]);
    expect(() =>
      collection.insert({ email: 'u2@x', state: 'new', nick: 'x', at: [1], arr: 1 }),
    ).not.toThrow();
    // Parallel arrays fail before anything is stored.
    expect(() => collection.insert({ email: 'u3@x', state: ['a', 'b'], at: [1, 2] })).toThrow();
    expect(collection.candidates({ email: 'u3@x' })?.docs).toEqual([]);
    expect(collection.size).toBe(3);
  });

  it('expires documents whose TTL date has passed, by the earliest date of an array', () => {
    const collection = new Collection('db', 'sessions');
    collection.createIndex({ key: { at: 1 }, name: 'at_1', expireAfterSeconds: 60 });
    const now = Date.now();
    collection.insert({ _id: 1, at: new Date(now - 61_000) });
    collection.insert({ _id: 2, at: new Date(now - 59_000) });
    collection.insert({ _id: 3, at: 'not a date' });
    collection.insert({ _id: 4, at: [new Date(now + 3_600_000), new Date(now - 120_000)] });
    expect(collection.expire(now)).toBe(2);
    expect([...collection.documents()].map((doc) => doc._id)).toEqual([2, 3]);
    expect(collection.candidates({ _id: 4 })?.docs).toEqual([]);
  });

  it('only expires the documents a partial TTL index holds', () => {
    const collection = new Collection('db', 'drafts');
    collection.createIndex({
      key: { at: 1 },
      name: 'at_1',
      expireAfterSeconds: 0,
      partialFilterExpression: { draft: true },
    });
    const past = new Date(Date.now() - 1000);
    collection.insert({ _id: 1, at: past, draft: true });
    collection.insert({ _id: 2, at: past, draft: false });
    expect(collection.expire(Date.now())).toBe(1);
    expect([...collection.documents()].map((doc) => doc._id)).toEqual([2]);
  });
});
