import type { QueueMessage } from '../../src/datasources/queue';
import type { SourceRow } from '../../src/datasources/sfmc';
import { clickCollections } from '../../src/services/clicks/clickModels';
import { handleClickBatches } from '../../src/services/clicks/handlers';
import { encodeBatches } from '../../src/services/clicks/messages';
import { processClicks } from '../../src/services/clicks/processClicks';
import { withFault } from './support/faults';
import { clickRow, openHarness, type Harness } from './support/harness';

/** Rows of one key (same send, URL, subscriber and day) with the given event ids. */
const oneKey = (ids: string[], prefix = 'row'): SourceRow[] =>
  ids.map((id, i) => ({ key: `${prefix}-${i}`, values: clickRow({ EventID: id }) }));
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `id-${from + i}`);

let sequence = 0;
const message = (bu: string, rows: SourceRow[]): QueueMessage => {
  sequence += 1;
  return {
    id: `m-${sequence}`,
    body: encodeBatches(bu, rows, rows.length)[0]!,
    receiptHandle: `h-${sequence}`,
    receiveCount: 1,
    sentAt: new Date(),
  };
};

describe('processors writing the same click events at once', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  it('count every distinct id exactly once, whoever writes first', async () => {
    await Promise.all([
      processClicks(h.deps, 'NA', oneKey(ids(1, 40), 'a')),
      processClicks(h.deps, 'NA', oneKey(ids(21, 60), 'b')),
      processClicks(h.deps, 'NA', oneKey(ids(41, 80), 'c')),
    ]);
    await Promise.all([
      processClicks(h.deps, 'NA', oneKey(ids(70, 90), 'd')),
      processClicks(h.deps, 'NA', oneKey(ids(1, 90), 'e')),
    ]);
    const events = await clickCollections(h.db).events.find({}).toArray();
    expect(events).toHaveLength(1);
    expect(events[0]!.n).toBe(90);
    expect(new Set(events[0]!.guids).size).toBe(90);
  });
});

describe('the processor worker', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  it('processes the messages received together in one pass per business unit', async () => {
    const messages = [
      message('NA', oneKey(ids(1, 10), 'a')),
      message('NA', oneKey(ids(5, 15), 'b')),
      message('EU', oneKey(ids(1, 3), 'c')),
    ];
    const result = await handleClickBatches(h.deps, messages);
    expect(result).toEqual({ retry: [], deadLetter: [] });
    const events = await clickCollections(h.db)
      .events.find({}, { sort: { bu: 1 } })
      .toArray();
    expect(events.map((e) => [e.bu, e.n])).toEqual([
      ['EU', 3],
      ['NA', 15],
    ]);
  });

  it('retries only the message that fails when processed on its own', async () => {
    const failing = withFault(h.db, 'email_sends', 'bulkWrite', async (real, [operations, options]) => {
      if (JSON.stringify(operations).includes('"jobId":"666"')) throw new Error('send store down');
      return real.bulkWrite(operations as never, options as never);
    });
    const good = message('NA', oneKey(ids(1, 10), 'a'));
    const bad = message('NA', [{ key: 'bad-0', values: clickRow({ JobID: '666', EventID: 'x-1' }) }]);
    const result = await handleClickBatches({ ...h.deps, db: failing }, [good, bad]);
    expect(result.retry?.map((r) => r.message.id)).toEqual([bad.id]);
    expect(result.deadLetter).toEqual([]);
    const events = await clickCollections(h.db).events.find({}).toArray();
    expect(events.map((e) => e.n)).toEqual([10]);
  });
});
