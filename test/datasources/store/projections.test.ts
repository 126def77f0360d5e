import type { Document } from 'mongodb';
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
    await rows.insertOne({ _id: 1, pos: 'p1', bu: 'BU1', values: { JobID: '7', tags: ['a'] }, list: [1, [2]], processed: false });
    const one = (projection: Document) => rows.findOne({ _id: 1 }, { projection });
    const inclusion = await one({ values: 1, pos: 1 });
    expect(inclusion).toEqual({ _id: 1, pos: 'p1', values: { JobID: '7', tags: ['a'] } });
    expect(Object.keys(inclusion!)).toEqual(['_id', 'pos', 'values']);
    expect(await one({ values: true, missing: 1, _id: 0 })).toEqual({ values: { JobID: '7', tags: ['a'] } });
    expect(await one({ _id: 1 })).toEqual({ _id: 1 });
    expect(await one({ _id: 0 })).toEqual({ pos: 'p1', bu: 'BU1', values: { JobID: '7', tags: ['a'] }, list: [1, [2]], processed: false });
    const exclusion = await one({ values: 0, list: false });
    expect(exclusion).toEqual({ _id: 1, pos: 'p1', bu: 'BU1', processed: false });
    expect(Object.keys(exclusion!)).toEqual(['_id', 'pos', 'bu', 'processed']);
    expect(await one({ values: 0, _id: 0, missing: 0 })).toEqual({ pos: 'p1', bu: 'BU1', list: [1, [2]], processed: false });
    expect(await one({ 'values.JobID': 1 })).toEqual({ _id: 1, values: { JobID: '7' } });
  });

  it('refuses to mix inclusion and exclusion of fields other than _id', async () => {
    const rows = ctx.db.collection<Row>(uniqueName('rows'));
    await rows.insertOne({ _id: 1, a: 1, b: 2 });
    await expect(rows.findOne({ _id: 1 }, { projection: { a: 1, b: 0 } })).rejects.toThrow();
  });
});
