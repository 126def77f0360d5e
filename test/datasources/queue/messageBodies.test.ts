import { EmbeddedQueuePort } from '../../../src/datasources/queue';
import {
  BODIES,
  MESSAGES,
  type BodyDocument,
  type MessageDocument,
} from '../../../src/datasources/queue/embedded/documents';
import { ObjectId, type Collection, type Store } from '../../../src/datasources/store';
import { applyFeatureIndexes } from '../../../src/features';
import { openTestStore } from '../../support/store';

/**
 * The embedded queue keeps a message's body apart from its delivery state: receives, visibility
 * changes and dead-lettering rewrite the state only, and a body goes when its message is deleted.
 */
describe('embedded queue message bodies', () => {
  let store: Store;
  let port: EmbeddedQueuePort;
  let messages: Collection<MessageDocument>;
  let bodies: Collection<BodyDocument>;

  beforeAll(async () => {
    store = await openTestStore();
    await applyFeatureIndexes(store.db);
    port = new EmbeddedQueuePort(store.db);
    messages = store.db.collection<MessageDocument>(MESSAGES);
    bodies = store.db.collection<BodyDocument>(BODIES);
  });
  afterAll(async () => {
    await port.close();
    await store.close();
  });

  /** Positions of the store's change stream on the bodies: a rewrite would move it. */
  const bodyChanges = () => store.changeClock!.position(BODIES);

  it('receives, extends, releases and dead-letters without touching the body; deletes it with the message', async () => {
    await port.ensureQueue('kept', { maxReceiveCount: 1 });
    const body = 'x'.repeat(50_000);
    const [{ id }] = await port.sendBatch('kept', [{ body }]);
    expect(await messages.findOne({ _id: id })).not.toHaveProperty('body');
    expect(await bodies.findOne({ _id: id })).toEqual({ _id: id, body });
    const before = bodyChanges();
    expect(before).toEqual(expect.any(Number));

    const [first] = await port.receive('kept');
    expect(first).toMatchObject({ id, body, receiveCount: 1 });
    await port.changeVisibility('kept', first!.receiptHandle, 60);
    await port.changeVisibility('kept', first!.receiptHandle, 0);
    // Received past maxReceiveCount: moved to the dead-letter queue on this receive.
    expect(await port.receive('kept')).toEqual([]);
    expect(await port.deadLetters('kept')).toEqual([expect.objectContaining({ id, body })]);
    expect(await port.redriveDeadLetters('kept')).toBe(1);
    const [again] = await port.receive('kept');
    expect(again).toMatchObject({ id, body });
    expect(bodyChanges()).toBe(before);

    await port.delete('kept', again!.receiptHandle);
    expect(await messages.findOne({ _id: id })).toBeNull();
    expect(await bodies.findOne({ _id: id })).toBeNull();
  });

  it('keeps the body of a message a stale receipt handle no longer holds', async () => {
    await port.ensureQueue('stale', {});
    const sent = await port.sendBatch('stale', [{ body: 'old holder' }, { body: 'done' }]);
    const received = await port.receive('stale', { maxMessages: 2 });
    const stale = received.find((message) => message.body === 'old holder')!;
    await port.changeVisibility('stale', stale.receiptHandle, 0);
    const [current] = await port.receive('stale');
    expect(current).toMatchObject({ id: stale.id, receiveCount: 2 });

    // One delete call with both handles: one holds its message, the other is stale.
    await port.delete(
      'stale',
      received.map((message) => message.receiptHandle),
    );
    expect(await bodies.findOne({ _id: sent[1]!.id })).toBeNull();
    expect(await bodies.findOne({ _id: stale.id })).toEqual({ _id: stale.id, body: 'old holder' });
    await port.delete('stale', current!.receiptHandle);
    expect(await bodies.findOne({ _id: stale.id })).toBeNull();
  });

  it('delivers a message stored with its body inline', async () => {
    await port.ensureQueue('inline', {});
    const id = new ObjectId().toHexString();
    const now = new Date();
    await messages.insertOne({
      _id: id,
      queue: 'inline',
      body: 'stored inline',
      sentAt: now,
      visibleAt: now,
      receiveCount: 0,
    });
    const [message] = await port.receive('inline');
    expect(message).toMatchObject({ id, body: 'stored inline' });
    await port.delete('inline', message!.receiptHandle);
    expect(await messages.findOne({ _id: id })).toBeNull();
  });

  it('sweeps bodies left without a message, older than every message and than a send can take', async () => {
    await port.ensureQueue('sweep', {});
    const now = Date.now();
    const idAt = (ms: number) => ObjectId.createFromTime(Math.floor(ms / 1000)).toHexString();
    const lone = idAt(now - 3_600_000);
    const sending = idAt(now - 1000);
    await bodies.insertMany([
      { _id: lone, body: 'left by a stopped process' },
      { _id: sending, body: 'its message is being stored' },
    ]);
    const [{ id: waiting }] = await port.sendBatch('sweep', [{ body: 'waiting' }]);

    expect(await port.sweepLoneBodies()).toBeGreaterThanOrEqual(1);
    expect(await bodies.findOne({ _id: lone })).toBeNull();
    expect(await bodies.findOne({ _id: sending })).not.toBeNull();
    expect(await bodies.findOne({ _id: waiting })).not.toBeNull();
    const [message] = await port.receive('sweep');
    expect(message).toMatchObject({ id: waiting, body: 'waiting' });
  });
});
