import type { Document } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

/** Documents of these tests: any _id type, any fields. */
type Row = { _id: number | string; [field: string]: unknown };

/**
 * Inclusion and exclusion projections of top-level fields (which the embedded engine copies
 * without mingo): `_id` kept unless excluded, fields in the stored document's order, missing
 * fields left out, arrays and sub-documents whole.
 */
describe.each(storeEngines)('store contract: top-level projections (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  it('includes or excludes fields as the server does', async () => {
    const rows = ctx.db.collection<Row>(uniqueName('rows'));
    await rows.insertOne({
      _id: 1,
      pos: 'p1',
      bu: 'BU1',
      values: { JobID: '7', tags: ['a'] },
      list: [1, [2]],
      processed: false,
    });
    const one = (projection: Document) => rows.findOne({ _id: 1 }, { projection });
    const inclusion = await one({ values: 1, pos: 1 });
    expect(inclusion).toEqual({ _id: 1, pos: 'p1', values: { JobID: '7', tags: ['a'] } });
    expect(Object.keys(inclusion!)).toEqual(['_id', 'pos', 'values']);
    expect(await one({ values: true, missing: 1, _id: 0 })).toEqual({ values: { JobID: '7', tags: ['a'] } });
    expect(await one({ _id: 1 })).toEqual({ _id: 1 });
    expect(await one({ _id: 0 })).toEqual({
      pos: 'p1',
      bu: 'BU1',
      values: { JobID: '7', tags: ['a'] },
      list: [1, [2]],
      processed: false,
    });
    const exclusion = await one({ values: 0, list: false });
    expect(exclusion).toEqual({ _id: 1, pos: 'p1', bu: 'BU1', processed: false });
    expect(Object.keys(exclusion!)).toEqual(['_id', 'pos', 'bu', 'processed']);
    expect(await one({ values: 0, _id: 0, missing: 0 })).toEqual({
      pos: 'p1',
      bu: 'BU1',
      list: [1, [2]],
      processed: false,
    });
    expect(await one({ 'values.JobID': 1 })).toEqual({ _id: 1, values: { JobID: '7' } });
  });

  it('answers an inclusion of indexed fields from the index alone, with what the documents hold', async () => {
    const memberships = ctx.db.collection<Row>(uniqueName('memberships'));
    await memberships.createIndex({ audienceId: 1, memberId: 1 }, { unique: true });
    const at = new Date('2026-01-02T03:04:05Z');
    await memberships.insertMany([
      { _id: 'a:m1', audienceId: 'a', memberId: 'm1', addedAt: at },
      { _id: 'a:m2', audienceId: 'a', memberId: 'm2', addedAt: at },
      { _id: 'a:m3', audienceId: 'a', memberId: 7, addedAt: at },
      { _id: 'a:m4', audienceId: 'a', addedAt: at },
      { _id: 'b:m1', audienceId: 'b', memberId: 'm1', addedAt: at },
    ]);
    const read = (projection: Document) => memberships.find({ audienceId: 'a' }, { projection }).toArray();
    // Numbers and missing fields cannot be told from the key: those documents are read.
    // Index order: a missing memberId sorts first, then numbers, then strings.
    expect(await read({ memberId: 1, _id: 0 })).toEqual([{}, { memberId: 7 }, { memberId: 'm1' }, { memberId: 'm2' }]);
    expect(await read({ _id: 1 })).toEqual([{ _id: 'a:m4' }, { _id: 'a:m3' }, { _id: 'a:m1' }, { _id: 'a:m2' }]);
    expect(await read({ memberId: 1, audienceId: 1 })).toEqual([
      { _id: 'a:m4', audienceId: 'a' },
      { _id: 'a:m3', audienceId: 'a', memberId: 7 },
      { _id: 'a:m1', audienceId: 'a', memberId: 'm1' },
      { _id: 'a:m2', audienceId: 'a', memberId: 'm2' },
    ]);
    // A field the index does not hold: every document is read.
    expect(await read({ memberId: 1, addedAt: 1, _id: 0 })).toEqual([
      { addedAt: at },
      { memberId: 7, addedAt: at },
      { memberId: 'm1', addedAt: at },
      { memberId: 'm2', addedAt: at },
    ]);
    const covered = memberships.find(
      { audienceId: 'a', memberId: { $gte: 'm' } },
      { projection: { memberId: 1, _id: 0 } },
    );
    expect((await covered.explain('executionStats')).executionStats).toMatchObject({
      nReturned: 2,
      totalDocsExamined: 0,
    });
  });

  it('refuses to mix inclusion and exclusion of fields other than _id', async () => {
    const rows = ctx.db.collection<Row>(uniqueName('rows'));
    await rows.insertOne({ _id: 1, a: 1, b: 2 });
    await expect(rows.findOne({ _id: 1 }, { projection: { a: 1, b: 0 } })).rejects.toThrow();
  });
});
