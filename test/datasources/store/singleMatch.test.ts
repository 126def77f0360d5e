import { Int32, Long } from 'bson';
import type { Collection, CollationOptions, Document } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

/**
 * Single-document writes whose filter fixes `_id` (or a whole unique key) beside other
 * conditions are answered by one lookup and a test of the rest of the filter. Each case here
 * runs twice on identical data: with the filter as given, and wrapped in a one-clause `$or`,
 * which no index serves (the query path). Both must leave the same data and say the same.
 */

/** Documents whose `_id` is whatever the test gives it. */
type AnyDoc = { _id?: any; [field: string]: any };

const longId = (tail: string) => `${'x'.repeat(3000)}${tail}`;

function seed(): AnyDoc[] {
  return [
    { _id: 1, verdict: true, state: 'AVAILABLE' },
    { _id: 2, state: 'AVAILABLE' },
    { _id: 3, verdict: null, state: 'ASSIGNED' },
    { _id: 4, verdict: [true, false] },
    { _id: 5, verdict: [false], n: 5 },
    { _id: 6, tags: ['x', 'y'], n: 5, name: 'Six' },
    { _id: 'Abc', name: 'first' },
    { _id: 'abc', name: 'second' },
    { _id: { a: 1, b: 2 }, v: 1 },
    { _id: longId('1'), v: 1 },
    { _id: longId('2'), v: 2 },
    { _id: 7.5, v: 'double' },
  ];
}

interface Case {
  name: string;
  filter: Document;
  collation?: CollationOptions;
  variables?: Document;
}

const caseless: CollationOptions = { locale: 'en', strength: 2 };

const cases: Case[] = [
  { name: '$ne against true', filter: { _id: 1, verdict: { $ne: true } } },
  { name: '$ne against a missing field', filter: { _id: 2, verdict: { $ne: true } } },
  { name: '$ne against null', filter: { _id: 3, verdict: { $ne: true } } },
  { name: '$ne against an array holding the value', filter: { _id: 4, verdict: { $ne: true } } },
  { name: '$ne against an array without it', filter: { _id: 5, verdict: { $ne: true } } },
  { name: 'null matching a missing field', filter: { _id: 2, verdict: null } },
  { name: 'null not matching a value', filter: { _id: 1, verdict: null } },
  { name: 'an array element', filter: { _id: 4, verdict: false } },
  { name: '$exists false', filter: { _id: 2, verdict: { $exists: false } } },
  { name: 'a state', filter: { _id: 2, state: 'AVAILABLE' } },
  { name: 'a state not held', filter: { _id: 3, state: 'AVAILABLE' } },
  { name: 'an absent _id', filter: { _id: 99, state: 'AVAILABLE' } },
  { name: '$eq on _id with a range', filter: { _id: { $eq: 6 }, n: { $gt: 4 }, tags: 'y' } },
  { name: '$eq on _id with a failing range', filter: { _id: { $eq: 6 }, n: { $lt: 5 } } },
  { name: '$eq and $ne on _id', filter: { _id: { $eq: 6, $ne: 7 }, n: 5 } },
  { name: 'a sub-document _id', filter: { _id: { a: 1, b: 2 }, v: 1 } },
  { name: 'a long _id', filter: { _id: longId('2'), v: 2 } },
  { name: 'a long _id with a failing condition', filter: { _id: longId('1'), v: 2 } },
  { name: 'a Long equal to a stored double', filter: { _id: Long.fromNumber(6), n: 5 } },
  { name: 'an Int32 equal to a stored double', filter: { _id: new Int32(5), n: 5 } },
  { name: 'an $or beside _id', filter: { _id: 5, $or: [{ n: 4 }, { verdict: false }] } },
  { name: 'a regex beside _id', filter: { _id: 6, name: /^s/i } },
  { name: 'a string _id under a collation', filter: { _id: 'ABC', name: 'SECOND' }, collation: caseless },
  { name: 'a number _id, string condition, collation', filter: { _id: 6, tags: 'Y' }, collation: caseless },
  { name: 'let variables', filter: { _id: 6, $expr: { $gt: ['$n', '$$min'] } }, variables: { min: 4 } },
  { name: 'let variables failing', filter: { _id: 6, $expr: { $gt: ['$n', '$$min'] } }, variables: { min: 5 } },
];

describe.each(storeEngines)('store contract: single-document writes by _id and more (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  /** Two collections holding the same documents: one for the filter, one for its `$or` form. */
  async function pair(prefix: string, docs: AnyDoc[] = seed(), indexes: Array<[Document, Document]> = []) {
    const made: Array<Collection<AnyDoc>> = [];
    for (const suffix of ['direct', 'query']) {
      const collection = ctx.db.collection<AnyDoc>(uniqueName(`${prefix}_${suffix}`));
      for (const [key, options] of indexes) await collection.createIndex(key, options);
      await collection.insertMany(docs.map((doc) => ({ ...doc })));
      made.push(collection);
    }
    return made as [Collection<AnyDoc>, Collection<AnyDoc>];
  }

  const contents = (collection: Collection<AnyDoc>) => collection.find({}).sort({ _id: 1 }).toArray();
  const optionsOf = (c: Case) => ({
    ...(c.collation ? { collation: c.collation } : {}),
    ...(c.variables ? { let: c.variables } : {}),
  });

  it.each(cases)('updateOne: $name', async (c) => {
    const [direct, query] = await pair('upd');
    const update = { $set: { hit: true } };
    const a = await direct.updateOne(c.filter, update, optionsOf(c));
    const b = await query.updateOne({ $or: [c.filter] }, update, optionsOf(c));
    expect(a).toEqual(b);
    expect(await contents(direct)).toEqual(await contents(query));
  });

  it.each(cases)('findOneAndUpdate and findOneAndDelete: $name', async (c) => {
    const [direct, query] = await pair('fam');
    const update = { $inc: { touched: 1 } };
    const options = { ...optionsOf(c), returnDocument: 'after' as const, includeResultMetadata: true as const };
    const a = await direct.findOneAndUpdate(c.filter, update, options);
    const b = await query.findOneAndUpdate({ $or: [c.filter] }, update, options);
    expect(a).toEqual(b);
    const deletedA = await direct.findOneAndDelete(c.filter, { ...optionsOf(c), sort: { n: -1 } });
    const deletedB = await query.findOneAndDelete({ $or: [c.filter] }, { ...optionsOf(c), sort: { n: -1 } });
    expect(deletedA).toEqual(deletedB);
    expect(await contents(direct)).toEqual(await contents(query));
  });

  it.each(cases)('deleteOne: $name', async (c) => {
    const [direct, query] = await pair('del');
    const a = await direct.deleteOne(c.filter, optionsOf(c));
    const b = await query.deleteOne({ $or: [c.filter] }, optionsOf(c));
    expect(a).toEqual(b);
    expect(await contents(direct)).toEqual(await contents(query));
  });

  it('bulkWrite updateOne and deleteOne, ordered, each seeing the writes before it', async () => {
    const [direct, query] = await pair('bulk');
    const operations = (wrap: (filter: Document) => Document) => [
      { updateOne: { filter: wrap({ _id: 2, verdict: { $ne: true } }), update: { $set: { verdict: true } } } },
      { updateOne: { filter: wrap({ _id: 2, verdict: { $ne: true } }), update: { $set: { verdict: false } } } },
      { updateOne: { filter: wrap({ _id: 3, state: 'ASSIGNED' }), update: { $set: { state: 'AVAILABLE' } } } },
      { deleteOne: { filter: wrap({ _id: 3, state: 'ASSIGNED' }) } },
      { deleteOne: { filter: wrap({ _id: 3, state: 'AVAILABLE' }) } },
      { updateOne: { filter: wrap({ _id: 6, tags: 'Y' }), update: { $set: { seen: 1 } }, collation: caseless } },
    ];
    const a = await direct.bulkWrite(operations((filter) => filter));
    const b = await query.bulkWrite(operations((filter) => ({ $or: [filter] })));
    expect(a.matchedCount).toBe(3);
    expect([a.matchedCount, a.modifiedCount, a.deletedCount]).toEqual([
      b.matchedCount,
      b.modifiedCount,
      b.deletedCount,
    ]);
    expect(await contents(direct)).toEqual(await contents(query));
  });

  it('a sub-document _id matches only with its fields in the same order, as on MongoDB', async () => {
    // (mingo, which tests the `$or` form, compares sub-documents regardless of order.)
    const [direct] = await pair('suborder');
    expect(await direct.updateOne({ _id: { b: 2, a: 1 }, v: 1 }, { $set: { hit: 1 } })).toMatchObject({
      matchedCount: 0,
    });
    expect(await direct.deleteOne({ _id: { b: 2, a: 1 }, v: 1 })).toMatchObject({ deletedCount: 0 });
    expect(await direct.findOne({ _id: { a: 1, b: 2 } })).toEqual({ _id: { a: 1, b: 2 }, v: 1 });
  });

  it('an upsert whose filter fixes a taken _id but does not match it fails on the _id, as on MongoDB', async () => {
    const [direct] = await pair('dup');
    await expect(
      direct.updateOne({ _id: 1, verdict: { $ne: true } }, { $set: { verdict: false } }, { upsert: true }),
    ).rejects.toMatchObject({ code: 11000 });
    const inserted = await direct.updateOne({ _id: 50, state: 'NEW' }, { $set: { n: 1 } }, { upsert: true });
    expect(inserted).toMatchObject({ matchedCount: 0, upsertedCount: 1, upsertedId: 50 });
    expect(await direct.findOne({ _id: 50 })).toEqual({ _id: 50, state: 'NEW', n: 1 });
  });

  it('an upsert of a null _id, then writes that fix it', async () => {
    const docs = ctx.db.collection<AnyDoc>(uniqueName('nullid'));
    await docs.updateOne({ _id: null }, { $set: { v: 1 } }, { upsert: true });
    expect(await docs.updateOne({ _id: null, v: { $ne: 1 } }, { $set: { v: 2 } })).toMatchObject({ matchedCount: 0 });
    expect(await docs.updateOne({ _id: null, v: 1 }, { $set: { v: 2 } })).toMatchObject({ matchedCount: 1 });
    expect(await docs.findOne({ _id: null })).toEqual({ _id: null, v: 2 });
  });

  describe('a whole key of a unique index beside other conditions', () => {
    const codes: AnyDoc[] = [
      { _id: 1, code: 'A', state: 'AVAILABLE', tags: ['t1', 't2'] },
      { _id: 2, code: 'B', state: 'ASSIGNED' },
      { _id: 3, state: 'RETIRED' },
      { _id: 4, code: null, state: 'AVAILABLE' },
      { _id: 5, code: 'e', state: 'AVAILABLE', tags: ['t3'] },
    ];
    const sparseUnique: [Document, Document] = [{ code: 1 }, { unique: true, sparse: true }];
    const uniqueCases: Array<{
      name: string;
      index: [Document, Document];
      filter: Document;
      collation?: CollationOptions;
    }> = [
      { name: 'matching', index: sparseUnique, filter: { code: 'A', state: 'AVAILABLE' } },
      { name: 'not matching', index: sparseUnique, filter: { code: 'B', state: 'AVAILABLE' } },
      { name: 'a key no document holds', index: sparseUnique, filter: { code: 'Z', n: 1 } },
      { name: 'sparse, null (missing or null)', index: sparseUnique, filter: { code: null, state: 'AVAILABLE' } },
      {
        name: 'compound, null in the key',
        index: [{ state: 1, code: 1 }, { unique: true }],
        filter: { state: 'AVAILABLE', code: null, n: { $exists: false } },
      },
      {
        name: 'partial, its filter repeated',
        index: [{ code: 1 }, { unique: true, partialFilterExpression: { state: 'AVAILABLE' } }],
        filter: { code: 'A', state: 'AVAILABLE', _id: { $gt: 0 } },
      },
      {
        name: 'partial, its filter not repeated',
        index: [{ code: 1 }, { unique: true, partialFilterExpression: { state: 'AVAILABLE' } }],
        filter: { code: 'B', _id: { $gt: 0 } },
      },
      { name: 'multikey', index: [{ tags: 1 }, { unique: true, sparse: true }], filter: { tags: 't2', code: 'A' } },
      {
        name: 'under a collation',
        index: sparseUnique,
        filter: { code: 'E', state: 'available' },
        collation: caseless,
      },
    ];

    it.each(uniqueCases)('updateOne and deleteOne, unique index: $name', async (c) => {
      const [direct, query] = await pair('uniq', codes, [c.index]);
      const options = c.collation ? { collation: c.collation } : {};
      const update = { $set: { fan: 'u1' } };
      expect(await direct.updateOne(c.filter, update, options)).toEqual(
        await query.updateOne({ $or: [c.filter] }, update, options),
      );
      expect(await direct.deleteOne({ ...c.filter, fan: 'u1' }, options)).toEqual(
        await query.deleteOne({ $or: [{ ...c.filter, fan: 'u1' }] }, options),
      );
      expect(await contents(direct)).toEqual(await contents(query));
    });
  });
});
