import type { Collection, Db } from '../../../src/datasources/store';
import { EmbeddedQueuePort } from '../../../src/datasources/queue';
import { MESSAGES, type MessageDocument } from '../../../src/datasources/queue/embedded/documents';
import { claimRound } from '../../../src/datasources/queue/embedded/standardRound';
import type { Store } from '../../../src/datasources/store';
import { applyFeatureIndexes } from '../../../src/features';
import { openTestStore } from '../../support/store';

/**
 * A claim round knows the messages it claimed whole without reading them again: these tests
 * check what it returns against what the store holds, including when another process changes
 * messages between the round's read and its claim.
 */
describe('standard queue claim round', () => {
  let store: Store;
  let db: Db;
  let messages: Collection<MessageDocument>;
  let port: EmbeddedQueuePort;
  let queues = 0;

  beforeAll(async () => {
    store = await openTestStore();
    db = store.db;
    await applyFeatureIndexes(db);
    messages = db.collection<MessageDocument>(MESSAGES);
    port = new EmbeddedQueuePort(db);
  });
  afterAll(async () => {
    await port.close();
    await store.close();
  });

  const freshQueue = async () => {
    const name = `round${++queues}`;
    await port.ensureQueue(name, {});
    return name;
  };

  const claimOf = (queue: string, max: number) => {
    const now = new Date();
    return { queue, max, now, visibleUntil: new Date(now.getTime() + 30_000) };
  };

  /** Sends the bodies; answers each body by its message's id (bodies are stored apart from messages). */
  const send = async (queue: string, bodies: string[]) => {
    const sent = await port.sendBatch(
      queue,
      bodies.map((body) => ({ body })),
    );
    return new Map(sent.map(({ id }, i) => [id, bodies[i]!]));
  };
  const idOf = (bodies: Map<string, string>, body: string) => [...bodies].find(([, b]) => b === body)![0];

  /** Messages of the queue as stored, by id. */
  const stored = async (queue: string) =>
    new Map((await messages.find({ queue }).toArray()).map((doc) => [doc._id, doc]));

  it('returns each claimed message as stored, fresh and redelivered ones in one round', async () => {
    const queue = await freshQueue();
    const bodies = await send(queue, ['a', 'b', 'c']);
    const [first] = await port.receive(queue, { maxMessages: 1 });
    await port.changeVisibility(queue, first!.receiptHandle, 0);
    const { claimed, contended } = await claimRound(messages, claimOf(queue, 10));
    expect(contended).toBe(false);
    expect(claimed.map((doc) => bodies.get(doc._id)).sort()).toEqual(['a', 'b', 'c']);
    const now = await stored(queue);
    for (const doc of claimed) expect(doc).toEqual(now.get(doc._id));
    expect(claimed.find((doc) => doc._id === first!.id)?.receiveCount).toBe(2);
  });

  it('leaves out messages another process claimed between the read and the claim', async () => {
    const queue = await freshQueue();
    const bodies = await send(queue, ['x', 'y', 'z']);
    const taken = await messages.findOne({ _id: idOf(bodies, 'y') });
    // The other process claims `y` just before this round's claim is written.
    const racing = new Proxy(messages, {
      get(target, property, receiver) {
        if (property !== 'updateMany') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<Collection<MessageDocument>['updateMany']>) => {
          await target.updateOne(
            { _id: taken!._id },
            { $set: { visibleAt: new Date(Date.now() + 60_000), receipt: 'other' }, $inc: { receiveCount: 1 } },
          );
          return target.updateMany(...args);
        };
      },
    });
    const { claimed, contended } = await claimRound(racing, claimOf(queue, 10));
    expect(contended).toBe(true);
    expect(claimed.map((doc) => bodies.get(doc._id)).sort()).toEqual(['x', 'z']);
    const now = await stored(queue);
    for (const doc of claimed) expect(doc).toEqual(now.get(doc._id));
    expect(now.get(taken!._id)).toMatchObject({ receipt: 'other', receiveCount: 1 });
  });

  it('does not take a message that went through another delivery meanwhile and is visible again', async () => {
    const queue = await freshQueue();
    const bodies = await send(queue, ['p', 'q']);
    const requeued = await messages.findOne({ _id: idOf(bodies, 'q') });
    // Received, then released at once elsewhere: visible, but no longer in the state read.
    const racing = new Proxy(messages, {
      get(target, property, receiver) {
        if (property !== 'updateMany') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<Collection<MessageDocument>['updateMany']>) => {
          await target.updateOne(
            { _id: requeued!._id },
            { $set: { visibleAt: new Date(0), receipt: 'other' }, $inc: { receiveCount: 1 } },
          );
          return target.updateMany(...args);
        };
      },
    });
    const { claimed } = await claimRound(racing, claimOf(queue, 10));
    expect(claimed.map((doc) => bodies.get(doc._id))).toEqual(['p']);
    const [again] = await port.receive(queue);
    expect(again).toMatchObject({ body: 'q', receiveCount: 2 });
  });
});
