import { QueueError, type QueueMessage, type QueuePort } from '../../../src/datasources/queue';
import { queueEngines } from './engines';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(queueEngines)('queue port on $name', (engine) => {
  let port: QueuePort;
  let close: () => Promise<void>;
  let queues = 0;
  const freshQueue = async (options: Parameters<QueuePort['ensureQueue']>[1] = {}) => {
    const name = `q${++queues}`;
    await port.ensureQueue(name, { visibilityTimeoutSeconds: 5, ...options });
    return name;
  };

  beforeAll(async () => {
    ({ port, close } = await engine.open());
  });
  afterAll(() => close());

  it('sends, receives and deletes, counting receives', async () => {
    const queue = await freshQueue();
    const sent = await port.send(queue, { body: '{"n":1}' });
    const [message] = await port.receive(queue, { maxMessages: 10 });
    expect(message).toMatchObject({ id: sent.id, body: '{"n":1}', receiveCount: 1 });
    expect(message.sentAt).toBeInstanceOf(Date);
    expect(await port.receive(queue)).toEqual([]);
    await port.delete(queue, message.receiptHandle);
    expect(await port.stats(queue)).toEqual({ visible: 0, inFlight: 0, delayed: 0, deadLettered: 0 });
  });

  it('sends batches larger than one call and receives up to ten at a time', async () => {
    const queue = await freshQueue();
    const sent = await port.sendBatch(
      queue,
      Array.from({ length: 25 }, (_, i) => ({ body: String(i) })),
    );
    expect(sent).toHaveLength(25);
    const bodies = new Set<string>();
    for (let round = 0; round < 10 && bodies.size < 25; round++) {
      const batch = await port.receive(queue, { maxMessages: 10 });
      expect(batch.length).toBeLessThanOrEqual(10);
      batch.forEach((m) => bodies.add(m.body));
      await port.delete(
        queue,
        batch.map((m) => m.receiptHandle),
      );
    }
    expect(bodies.size).toBe(25);
  });

  it('redelivers a message whose visibility timeout passed, and ignores its stale receipt', async () => {
    const queue = await freshQueue();
    await port.send(queue, { body: 'again' });
    const [first] = await port.receive(queue, { visibilityTimeoutSeconds: 1 });
    expect(await port.receive(queue)).toEqual([]);
    const [second] = await port.receive(queue, { waitSeconds: 3 });
    expect(second).toMatchObject({ id: first.id, receiveCount: 2 });
    await port.delete(queue, second.receiptHandle);
    expect((await port.stats(queue)).visible + (await port.stats(queue)).inFlight).toBe(0);
  });

  it('makes a message visible at once with changeVisibility 0', async () => {
    const queue = await freshQueue();
    await port.send(queue, { body: 'now' });
    const [message] = await port.receive(queue, { visibilityTimeoutSeconds: 30 });
    await port.changeVisibility(queue, message.receiptHandle, 0);
    const [again] = await port.receive(queue);
    expect(again.id).toBe(message.id);
  });

  it('honours a per-message delay', async () => {
    const queue = await freshQueue();
    await port.send(queue, { body: 'later', delaySeconds: 1 });
    await port.send(queue, { body: 'now' });
    const first = await port.receive(queue, { maxMessages: 10 });
    expect(first.map((m) => m.body)).toEqual(['now']);
    expect(await port.stats(queue)).toMatchObject({ visible: 0, inFlight: 1, delayed: 1 });
    const later = await port.receive(queue, { waitSeconds: 3 });
    expect(later.map((m) => m.body)).toEqual(['later']);
  });

  it('wakes a long poll when a message arrives, and ends it when aborted', async () => {
    const queue = await freshQueue();
    const waiting = port.receive(queue, { waitSeconds: 10 });
    await sleep(200);
    await port.send(queue, { body: 'wake' });
    expect((await waiting).map((m) => m.body)).toEqual(['wake']);
    const controller = new AbortController();
    const aborted = port.receive(queue, { waitSeconds: 10, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect(await aborted).toEqual([]);
  });

  it('moves a message received more than maxReceiveCount times to the dead-letter queue, and redrives it', async () => {
    const queue = await freshQueue({ maxReceiveCount: 2 });
    await port.send(queue, { body: 'poison' });
    for (let i = 0; i < 2; i++) {
      const [message] = await port.receive(queue);
      await port.changeVisibility(queue, message.receiptHandle, 0);
    }
    expect(await port.receive(queue)).toEqual([]);
    expect((await port.stats(queue)).deadLettered).toBe(1);
    const dead = await port.deadLetters(queue);
    expect(dead.map((d) => d.body)).toEqual(['poison']);
    expect(await port.deadLetters(queue)).toHaveLength(1);
    expect(await port.redriveDeadLetters(queue)).toBe(1);
    const [back] = await port.receive(queue, { waitSeconds: 2 });
    expect(back).toMatchObject({ body: 'poison', receiveCount: 1 });
    expect((await port.stats(queue)).deadLettered).toBe(0);
  });

  it('dead-letters a received message on request', async () => {
    const queue = await freshQueue();
    await port.send(queue, { body: 'hopeless' });
    const [message] = await port.receive(queue);
    await port.deadLetter(queue, message);
    expect((await port.stats(queue)).deadLettered).toBe(1);
    expect((await port.deadLetters(queue)).map((d) => d.body)).toEqual(['hopeless']);
  });

  it('drops a FIFO message whose deduplication id was seen within 5 minutes', async () => {
    const queue = await freshQueue({ fifo: true });
    await port.send(queue, { body: 'a', groupId: 'g', deduplicationId: 'same' });
    await port.send(queue, { body: 'a again', groupId: 'g', deduplicationId: 'same' });
    await port.sendBatch(queue, [
      { body: 'b', groupId: 'g', deduplicationId: 'other' },
      { body: 'b again', groupId: 'g', deduplicationId: 'other' },
    ]);
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const batch = await port.receive(queue, { maxMessages: 10 });
      bodies.push(...batch.map((m) => m.body));
      await port.delete(
        queue,
        batch.map((m) => m.receiptHandle),
      );
    }
    expect(bodies).toEqual(['a', 'b']);
  });

  it('delivers FIFO groups in order, one in-flight message per group, to 4 concurrent workers', async () => {
    const queue = await freshQueue({ fifo: true });
    const groups = ['g1', 'g2', 'g3'];
    const perGroup = 8;
    for (let i = 0; i < perGroup; i++) {
      await port.sendBatch(
        queue,
        groups.map((groupId) => ({ body: `${groupId}:${i}`, groupId })),
      );
    }
    const seen = new Map<string, number[]>(groups.map((g) => [g, []]));
    const inFlight = new Set<string>();
    let overlap = false;
    const worker = async () => {
      for (let idle = 0; idle < 3;) {
        const batch = await port.receive(queue, { maxMessages: 10, waitSeconds: 1 });
        if (batch.length === 0) idle++;
        await Promise.all(batch.map((m) => handle(m)));
      }
    };
    const handle = async (message: QueueMessage) => {
      const [groupId, index] = message.body.split(':');
      if (inFlight.has(groupId)) overlap = true;
      inFlight.add(groupId);
      await sleep(Math.random() * 20);
      seen.get(groupId)!.push(Number(index));
      inFlight.delete(groupId);
      await port.delete(queue, message.receiptHandle);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(overlap).toBe(false);
    for (const g of groups) expect(seen.get(g)).toEqual(Array.from({ length: perGroup }, (_, i) => i));
  });

  it('refuses an unknown queue, bad receive sizes and delays SQS refuses, with a QueueError', async () => {
    await expect(port.send('never-ensured', { body: 'x' })).rejects.toThrow(QueueError);
    const queue = await freshQueue();
    await expect(port.receive(queue, { maxMessages: 11 })).rejects.toThrow(/maxMessages/);
    await expect(port.ensureQueue('bad name!')).rejects.toThrow(/queue name/);
    await expect(port.send(queue, { body: 'x', delaySeconds: 901 })).rejects.toThrow(/delaySeconds/);
    const fifo = await freshQueue({ fifo: true });
    await expect(port.send(fifo, { body: 'x', groupId: 'g', delaySeconds: 5 })).rejects.toThrow(/FIFO/);
  });
});
