import { MongoServerError } from 'mongodb';
import type { Collection, Document, Store } from '../../../src/datasources/store';
import {
  ACCUMULATORS,
  EXPRESSION_OPERATORS,
  PROJECTION_OPERATORS,
  QUERY_OPERATORS,
  REFUSED_UNDER_COLLATION,
  STAGES,
  UPDATE_OPERATORS,
  WINDOW_OPERATORS,
  type Rules,
} from '../../../src/datasources/store/embedded/operatorSupport';
import { openTestStore } from '../../support/store';
import { uniqueName } from './engines';

/**
 * Issue 23's rule for stages and operators, walked: each MongoDB 8.0 stage and operator the
 * tables list either runs on the embedded engine or is refused with NotImplemented naming it.
 */

/** The operators mingo registers (its subpaths have no typings under node module resolution). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: nothing typed to import
const mingo = (kind: string) => new Set(Object.keys(require(`mingo/operators/${kind}`) as object));

const byStatus = (rules: Rules, refused: boolean) =>
  Object.keys(rules).filter((name) => (rules[name]!.support === 'refused') === refused);

/** A small valid use of each stage the engine runs (over `{ _id, n, tag, list }` documents). */
const STAGE_SAMPLES: Record<string, Document[]> = {
  $addFields: [{ $addFields: { m: 1 } }],
  $bucket: [{ $bucket: { groupBy: '$n', boundaries: [0, 10], default: 'other' } }],
  $bucketAuto: [{ $bucketAuto: { groupBy: '$n', buckets: 2 } }],
  $count: [{ $count: 'total' }],
  $densify: [{ $densify: { field: 'n', range: { step: 1, bounds: 'full' } } }],
  $documents: [{ $unionWith: { pipeline: [{ $documents: [{ n: 9 }] }] } }],
  $facet: [{ $facet: { all: [{ $match: {} }] } }],
  $fill: [{ $fill: { output: { tag: { value: 'none' } } } }],
  $graphLookup: [
    { $graphLookup: { from: 'other', startWith: '$n', connectFromField: 'n', connectToField: 'n', as: 'g' } },
  ],
  $group: [{ $group: { _id: '$tag', n: { $sum: 1 } } }],
  $limit: [{ $limit: 1 }],
  $lookup: [{ $lookup: { from: 'other', localField: 'n', foreignField: 'n', as: 'l' } }],
  $match: [{ $match: { n: 1 } }],
  $project: [{ $project: { n: 1 } }],
  $redact: [{ $redact: '$$KEEP' }],
  $replaceRoot: [{ $replaceRoot: { newRoot: { n: '$n' } } }],
  $replaceWith: [{ $replaceWith: '$$ROOT' }],
  $sample: [{ $sample: { size: 1 } }],
  $set: [{ $set: { m: 1 } }],
  $setWindowFields: [{ $setWindowFields: { sortBy: { n: 1 }, output: { r: { $rank: {} } } } }],
  $skip: [{ $skip: 1 }],
  $sort: [{ $sort: { n: -1 } }],
  $sortByCount: [{ $sortByCount: '$tag' }],
  $unionWith: [{ $unionWith: 'other' }],
  $unset: [{ $unset: 'tag' }],
  $unwind: [{ $unwind: '$list' }],
};

const REFUSED_STAGE_SAMPLES: Record<string, unknown> = {
  $merge: { into: 'copy' },
  $out: 'copy',
};

const QUERY_SAMPLES: Record<string, Document> = {
  $eq: { n: { $eq: 1 } },
  $ne: { n: { $ne: 1 } },
  $gt: { n: { $gt: 1 } },
  $gte: { n: { $gte: 1 } },
  $lt: { n: { $lt: 1 } },
  $lte: { n: { $lte: 1 } },
  $in: { n: { $in: [1] } },
  $nin: { n: { $nin: [1] } },
  $and: { $and: [{ n: 1 }] },
  $or: { $or: [{ n: 1 }] },
  $nor: { $nor: [{ n: 1 }] },
  $not: { n: { $not: { $gt: 1 } } },
  $exists: { n: { $exists: true } },
  $type: { n: { $type: 'number' } },
  $mod: { n: { $mod: [2, 0] } },
  $regex: { tag: { $regex: '^a' } },
  $options: { tag: { $regex: '^A', $options: 'i' } },
  $expr: { $expr: { $gt: ['$n', 1] } },
  $all: { list: { $all: [1] } },
  $elemMatch: { list: { $elemMatch: { $gt: 1 } } },
  $size: { list: { $size: 2 } },
  $bitsAllClear: { n: { $bitsAllClear: [1] } },
  $bitsAllSet: { n: { $bitsAllSet: [0] } },
  $bitsAnyClear: { n: { $bitsAnyClear: [1] } },
  $bitsAnySet: { n: { $bitsAnySet: [0] } },
};

const REFUSED_QUERY_SAMPLES: Record<string, Document> = {
  $text: { $text: { $search: 'a' } },
  $geoIntersects: { loc: { $geoIntersects: { $geometry: { type: 'Point', coordinates: [0, 0] } } } },
  $geoWithin: {
    loc: {
      $geoWithin: {
        $box: [
          [0, 0],
          [1, 1],
        ],
      },
    },
  },
  $near: { loc: { $near: [0, 0] } },
  $nearSphere: { loc: { $nearSphere: [0, 0] } },
  $where: { $where: 'true' },
  $jsonSchema: { $jsonSchema: {} },
  $comment: { $comment: 'why' },
};

const UPDATE_SAMPLES: Record<string, Document> = {
  $set: { $set: { m: 1 } },
  $unset: { $unset: { tag: '' } },
  $inc: { $inc: { n: 1 } },
  $mul: { $mul: { n: 2 } },
  $min: { $min: { n: 0 } },
  $max: { $max: { n: 5 } },
  $rename: { $rename: { tag: 'label' } },
  $currentDate: { $currentDate: { at: true } },
  $setOnInsert: { $setOnInsert: { created: true } },
  $addToSet: { $addToSet: { list: 7 } },
  $pop: { $pop: { list: 1 } },
  $pull: { $pull: { list: 1 } },
  $pullAll: { $pullAll: { list: [1] } },
  $push: { $push: { list: 4 } },
  $bit: { $bit: { n: { or: 2 } } },
  $each: { $push: { list: { $each: [5, 6] } } },
  $position: { $push: { list: { $each: [0], $position: 0 } } },
  $slice: { $push: { list: { $each: [8], $slice: -2 } } },
  $sort: { $push: { list: { $each: [0], $sort: 1 } } },
  '$[]': { $inc: { 'list.$[]': 1 } },
  '$[<identifier>]': { $inc: { 'list.$[big]': 1 } },
  $: { $inc: { 'list.$': 1 } },
};

describe('embedded store: every stage and operator runs or is refused by name', () => {
  let store: Store;
  let docs: Collection;

  beforeAll(async () => {
    store = await openTestStore();
    docs = store.db.collection(uniqueName('ops'));
    await docs.insertMany([
      { _id: 1, n: 1, tag: 'a', list: [1, 2], items: [{ k: 1 }, { k: 2 }] },
      { _id: 2, n: 2, tag: 'b', list: [3], items: [] },
    ] as never[]);
    await store.db.collection('other').insertOne({ n: 1 });
  });
  afterAll(() => store.close());

  async function failure(run: () => Promise<unknown>): Promise<MongoServerError | undefined> {
    try {
      await run();
      return undefined;
    } catch (error) {
      return error as MongoServerError;
    }
  }

  function expectRefused(error: MongoServerError | undefined, name: string): void {
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error!.code).toBe(238);
    expect(error!.message).toContain(name);
  }

  it('has a sample for every stage and query and update operator it runs', () => {
    expect(Object.keys(STAGE_SAMPLES).sort()).toEqual(byStatus(STAGES, false).sort());
    expect(Object.keys(QUERY_SAMPLES).sort()).toEqual(byStatus(QUERY_OPERATORS, false).sort());
    expect(Object.keys(UPDATE_SAMPLES).sort()).toEqual(byStatus(UPDATE_OPERATORS, false).sort());
  });

  it.each(byStatus(STAGES, false))('stage %s runs', async (stage) => {
    expect(await failure(() => docs.aggregate(STAGE_SAMPLES[stage]).toArray())).toBeUndefined();
  });

  it.each(byStatus(STAGES, true))('stage %s is refused', async (stage) => {
    expectRefused(
      await failure(async () => docs.aggregate([{ [stage]: REFUSED_STAGE_SAMPLES[stage] ?? {} }]).toArray()),
      stage,
    );
  });

  it.each(byStatus(QUERY_OPERATORS, false))('query operator %s runs', async (operator) => {
    expect(await failure(() => docs.find(QUERY_SAMPLES[operator]!).toArray())).toBeUndefined();
  });

  it.each(byStatus(QUERY_OPERATORS, true))('query operator %s is refused', async (operator) => {
    expectRefused(await failure(() => docs.find(REFUSED_QUERY_SAMPLES[operator]!).toArray()), operator);
  });

  it.each(byStatus(UPDATE_OPERATORS, false))('update operator %s runs', async (operator) => {
    const target = store.db.collection(uniqueName('upd'));
    await target.insertOne({ _id: 1, n: 1, tag: 'a', list: [1, 2] } as never);
    const options =
      operator === '$[<identifier>]'
        ? { arrayFilters: [{ big: { $gt: 1 } }] }
        : operator === '$setOnInsert'
          ? { upsert: true }
          : {};
    const filter = operator === '$' ? { list: 2 } : operator === '$setOnInsert' ? { _id: 2 } : { _id: 1 };
    expect(await failure(() => target.updateOne(filter as never, UPDATE_SAMPLES[operator]!, options))).toBeUndefined();
  });

  it.each(byStatus(PROJECTION_OPERATORS, false))('projection operator %s runs', async (operator) => {
    const projection = {
      $: { 'list.$': 1 },
      $elemMatch: { items: { $elemMatch: { k: 2 } } },
      $slice: { list: { $slice: 1 } },
    }[operator]!;
    expect(await failure(() => docs.find({ list: 2 }, { projection }).toArray())).toBeUndefined();
  });

  it.each(byStatus(PROJECTION_OPERATORS, true))('projection operator %s is refused', async (operator) => {
    expectRefused(
      await failure(() => docs.find({}, { projection: { score: { [operator]: 'textScore' } } }).toArray()),
      operator,
    );
  });

  it.each(byStatus(EXPRESSION_OPERATORS, false))('expression operator %s is implemented', (operator) => {
    expect(mingo('expression').has(operator) || mingo('accumulator').has(operator)).toBe(true);
  });

  it.each(byStatus(EXPRESSION_OPERATORS, true))('expression operator %s is refused', async (operator) => {
    expectRefused(
      await failure(() => docs.aggregate([{ $project: { v: { [operator]: ['$n'] } } }]).toArray()),
      operator,
    );
  });

  it.each(byStatus(ACCUMULATORS, false))('accumulator %s is implemented', (operator) => {
    expect(mingo('accumulator').has(operator)).toBe(true);
  });

  it.each(byStatus(ACCUMULATORS, true))('accumulator %s is refused', async (operator) => {
    const group = {
      $group: {
        _id: null,
        v: { [operator]: { init: 'function() {}', accumulate: 'x', accumulateArgs: [], merge: 'x', lang: 'js' } },
      },
    };
    expectRefused(await failure(() => docs.aggregate([group]).toArray()), operator);
  });

  it.each(byStatus(WINDOW_OPERATORS, false))('window operator %s is implemented', (operator) => {
    expect(mingo('window').has(operator) || mingo('accumulator').has(operator)).toBe(true);
  });

  describe('under a collation', () => {
    const collation = { locale: 'en', strength: 2 as const };

    it.each(REFUSED_UNDER_COLLATION.stages)('stage %s is refused', async (stage) => {
      expectRefused(await failure(async () => docs.aggregate(STAGE_SAMPLES[stage]!, { collation }).toArray()), stage);
    });

    it.each(REFUSED_UNDER_COLLATION.operators)('operator %s is refused', async (operator) => {
      const group = [{ $group: { _id: null, v: { [operator]: '$n' } } }];
      expectRefused(await failure(async () => docs.aggregate(group, { collation }).toArray()), operator);
    });

    it.each(REFUSED_UNDER_COLLATION.updateOperators)('update operator %s is refused', async (operator) => {
      expectRefused(
        await failure(() => docs.updateOne({ _id: 1 } as never, UPDATE_SAMPLES[operator]!, { collation })),
        operator,
      );
    });

    it('runs the stages and operators it collates', async () => {
      const pipeline = [
        { $match: { tag: 'A' } },
        { $sort: { tag: 1 } },
        { $project: { same: { $eq: ['$tag', 'A'] } } },
      ];
      expect(await docs.aggregate(pipeline, { collation }).toArray()).toEqual([{ _id: 1, same: true }]);
    });
  });
});
