import type { Db } from '../../src/datasources/store';
import { lookupOrders, OrderMatcher } from '../../src/services/tracking/orderLookup';
import { insertOrder, insertScript, openTrackingFixture } from './support/fixtures';

describe('order lookup (both strategies of the seed, batched)', () => {
  let fixture: Awaited<ReturnType<typeof openTrackingFixture>>;
  let db: Db;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    fixture = await openTrackingFixture();
    db = fixture.db;
    ids.holidayReader = await insertOrder(db, { campaignId: 'holiday', publicationCode: 'chireader' });
    ids.holidayDeletedTimes = await insertOrder(db, {
      campaignId: 'holiday',
      publicationCode: 'suntimes',
      deleted: true,
    });
    ids.mixed = await insertOrder(db, {
      campaignId: 'MixedCase',
      publicationCode: 'wbez',
      items: [
        { itemPath: 'print-full', itemName: 'Full page', channel: 'print' },
        { itemPath: 'stream-30s', itemName: '30 s spot', channel: 'streaming' },
        { itemPath: 'web-top', itemName: 'Top banner', channel: 'website' },
      ],
    });
    ids.printOnly = await insertOrder(db, {
      campaignId: 'print-only',
      publicationCode: 'tribune',
      items: [{ itemPath: 'print-q', itemName: 'Quarter', channel: 'print' }],
    });
    ids.xabcx = await insertOrder(db, { campaignId: 'xabcx', publicationCode: 'wvon' });
    await insertScript(db, {
      creativeId: 'cr_holiday_1',
      publicationId: 1035,
      campaignId: 'holiday',
      channel: 'newsletter_text',
      name: 'Holiday text',
    });
    // A script whose order was deleted: strategy 2 gets its turn, and finds nothing either.
    await insertScript(db, {
      creativeId: 'cr_holiday_2',
      publicationId: 1038,
      campaignId: 'holiday',
      channel: 'website',
    });
    // A script of another publication must not place the creative here.
    await insertScript(db, {
      creativeId: 'cr_other_1',
      publicationId: 1043,
      campaignId: 'holiday',
      channel: 'website',
    });
  });
  afterAll(() => fixture.close());

  test.each([
    [
      'strategy 1: script, then order of its campaign',
      { creativeId: 'cr_holiday_1', publicationId: 1035 },
      {
        orderId: 'holidayReader',
        itemPath: 'tracking-newsletter_text',
        itemName: 'Holiday text',
        channel: 'newsletter',
      },
    ],
    [
      'strategy 2: campaign id compared case-insensitively, first digital item',
      { creativeId: 'cr_mixedcase_banner', publicationId: 1047 },
      { orderId: 'mixed', itemPath: 'stream-30s', itemName: '30 s spot', channel: 'streaming' },
    ],
    [
      'strategy 2 with creative_ prefix and a suffix with underscores',
      { creativeId: 'creative_MIXEDCASE_a_b', publicationId: 1047 },
      { orderId: 'mixed', itemPath: 'stream-30s' },
    ],
    [
      'strategy 2: no digital item, the first item',
      { creativeId: 'cr_print-only_1', publicationId: 1043 },
      { orderId: 'printOnly', itemPath: 'print-q', channel: 'print' },
    ],
    [
      'strategy 2: no items at all',
      { creativeId: 'cr_holiday_9', publicationId: 1035 },
      { orderId: 'holidayReader', itemPath: 'digital-cr_holiday_9', itemName: 'cr_holiday_9', channel: 'website' },
    ],
  ])('%s', async (_name, key, expected) => {
    const find = await lookupOrders(db, [key]);
    const match = find(key);
    expect(match).toMatchObject({ ...expected, orderId: ids[expected.orderId] });
  });

  test.each([
    ['the seed regex would match "xabcx" for campaign "abc"', { creativeId: 'cr_abc_1', publicationId: 1048 }],
    ['a deleted order is never used', { creativeId: 'cr_holiday_2', publicationId: 1038 }],
    ['a script of another publication does not count', { creativeId: 'cr_other_1', publicationId: 1035 }],
    ['the right campaign on the wrong publication', { creativeId: 'cr_mixedcase_1', publicationId: 1035 }],
    ['a creative id that is not cr_/creative_', { creativeId: 'holiday_1', publicationId: 1035 }],
  ])('no order: %s', async (_name, key) => {
    const find = await lookupOrders(db, [key]);
    expect(find(key)).toBeNull();
  });

  test('a whole batch resolves together, and a run remembers what it found', async () => {
    const keys = [
      { creativeId: 'cr_holiday_1', publicationId: 1035 },
      { creativeId: 'cr_mixedcase_banner', publicationId: 1047 },
      { creativeId: 'cr_abc_1', publicationId: 1048 },
    ];
    const finds: string[] = [];
    const counting = new Proxy(db, {
      get(target, property, receiver) {
        if (property !== 'collection') return Reflect.get(target, property, receiver);
        return (name: string) => {
          const collection = target.collection(name);
          return Object.assign(Object.create(collection), {
            find: (...args: Parameters<typeof collection.find>) => {
              finds.push(name);
              return collection.find(...args);
            },
          });
        };
      },
    }) as Db;
    const matcher = new OrderMatcher(counting);
    const first = await matcher.resolve(keys);
    expect(keys.map((k) => first(k)?.orderId ?? null)).toEqual([ids.holidayReader, ids.mixed, null]);
    // Scripts once; orders exactly, then by case-insensitive pattern for the ids not found.
    expect(finds).toEqual(['tracking_scripts', 'publication_insertion_orders', 'publication_insertion_orders']);
    finds.length = 0;
    const again = await matcher.resolve(keys);
    expect(keys.map((k) => again(k)?.orderId ?? null)).toEqual([ids.holidayReader, ids.mixed, null]);
    expect(finds).toEqual([]);
  });
});
