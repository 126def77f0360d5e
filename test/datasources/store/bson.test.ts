import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { storeEngines, uniqueName, useStore } from './engines';

describe.each(storeEngines)('store contract: BSON values and their order (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  it('round-trips BSON types as the driver returns them', async () => {
    const values = ctx.db.collection(uniqueName('values'));
    const id = new ObjectId();
    const when = new Date('2024-02-29T12:34:56.789Z');
    await values.insertOne({
      _id: id,
      int: 42,
      int32: new Int32(7),
      double: new Double(1.5),
      negativeZero: -0,
      smallLong: Long.fromNumber(3),
      bigLong: Long.fromString('9007199254740993'),
      decimal: Decimal128.fromString('12345.6789012345678901'),
      when,
      binary: new Binary(Buffer.from([0, 1, 2, 255]), 4),
      nothing: null,
      undefinedBecomesNull: undefined,
      nested: { list: [1, 'two', { three: 3 }], empty: {} },
      ts: new Timestamp({ t: 1700000000, i: 5 }),
      regex: new BSONRegExp('^ab', 'i'),
    });
    const stored = await values.findOne({ _id: id });
    expect(stored).toEqual({
      _id: id,
      int: 42,
      int32: 7,
      double: 1.5,
      negativeZero: -0,
      smallLong: 3,
      bigLong: Long.fromString('9007199254740993'),
      decimal: Decimal128.fromString('12345.6789012345678901'),
      when,
      binary: new Binary(Buffer.from([0, 1, 2, 255]), 4),
      nothing: null,
      undefinedBecomesNull: null,
      nested: { list: [1, 'two', { three: 3 }], empty: {} },
      ts: new Timestamp({ t: 1700000000, i: 5 }),
      regex: expect.anything(),
    });
    expect('missing' in stored!).toBe(false);
    expect(stored!.decimal.toString()).toBe('12345.6789012345678901');
    expect((stored!.binary as Binary).sub_type).toBe(4);
  });

  it('tells null from missing: {f: null} matches both, {f: {$exists: false}} only missing', async () => {
    const docs = ctx.db.collection(uniqueName('nulls'));
    await docs.insertMany([{ _id: 1, f: null }, { _id: 2 }, { _id: 3, f: 0 }] as never[]);
    expect((await docs.find({ f: null }).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([1, 2]);
    expect((await docs.find({ f: { $exists: false } }).toArray()).map((d) => d._id)).toEqual([2]);
    expect((await docs.find({ f: { $type: 'null' } }).toArray()).map((d) => d._id)).toEqual([1]);
  });

  it('matches ObjectId and Date values by value', async () => {
    const docs = ctx.db.collection(uniqueName('match'));
    const owner = new ObjectId();
    await docs.insertMany([
      { owner, at: new Date(1000) },
      { owner: new ObjectId(), at: new Date(3000) },
    ]);
    expect(await docs.countDocuments({ owner: new ObjectId(owner.toHexString()) })).toBe(1);
    expect(await docs.countDocuments({ at: { $gt: new Date(2000) } })).toBe(1);
    expect(await docs.countDocuments({ owner: { $in: [owner] } })).toBe(1);
  });

  const mixed = (): Array<[string, unknown]> => [
    ['maxKey', new MaxKey()],
    ['regex', new BSONRegExp('a', '')],
    ['timestamp', new Timestamp({ t: 1, i: 1 })],
    ['date', new Date(0)],
    ['true', true],
    ['false', false],
    ['objectId', new ObjectId('000000000000000000000001')],
    ['binary', new Binary(Buffer.from([1]))],
    ['object', { x: 1 }],
    ['string-b', 'b'],
    ['string-a', 'a'],
    ['array', [10, 'zz']],
    ['decimal', Decimal128.fromString('4')],
    ['long', Long.fromNumber(3)],
    ['double', 2.5],
    ['int', 1],
    ['null', null],
    ['minKey', new MinKey()],
  ];

  it('sorts mixed types in BSON order, arrays by their lowest element ascending', async () => {
    const docs = ctx.db.collection(uniqueName('mixed'));
    await docs.insertMany([...mixed().map(([label, v]) => ({ label, v })), { label: 'missing' }]);
    const ascending = (await docs.find({}).sort({ v: 1, label: 1 }).toArray()).map((d) => d.label);
    expect(ascending).toEqual([
      'minKey',
      'missing',
      'null',
      'int',
      'double',
      'long',
      'decimal',
      'array',
      'string-a',
      'string-b',
      'object',
      'binary',
      'objectId',
      'false',
      'true',
      'date',
      'timestamp',
      'regex',
      'maxKey',
    ]);
  });

  it('sorts arrays by their highest element descending, with an index too', async () => {
    const docs = ctx.db.collection(uniqueName('mixeddesc'));
    await docs.insertMany(mixed().map(([label, v]) => ({ label, v })));
    const descending = (await docs.find({}).sort({ v: -1, label: 1 }).toArray()).map((d) => d.label);
    expect(descending.slice(0, 8)).toEqual([
      'maxKey',
      'regex',
      'timestamp',
      'date',
      'true',
      'false',
      'objectId',
      'binary',
    ]);
    expect(descending.slice(8)).toEqual([
      'object',
      'array',
      'string-b',
      'string-a',
      'decimal',
      'long',
      'double',
      'int',
      'null',
      'minKey',
    ]);
    const scalars = ctx.db.collection(uniqueName('indexedsort'));
    await scalars.createIndex({ v: 1 });
    await scalars.insertMany([{ v: 'a' }, { v: 2 }, { v: null }, { v: new Date(5) }, { v: -1.5 }, { v: true }]);
    const viaIndex = await scalars
      .find({}, { projection: { _id: 0 } })
      .sort({ v: -1 })
      .toArray();
    expect(viaIndex).toEqual([{ v: new Date(5) }, { v: true }, { v: 'a' }, { v: 2 }, { v: -1.5 }, { v: null }]);
  });
});
