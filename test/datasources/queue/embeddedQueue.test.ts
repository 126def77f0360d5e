import { EmbeddedQueuePort } from '../../../src/datasources/queue';
import type { Store } from '../../../src/datasources/store';
import { applyFeatureIndexes } from '../../../src/features';
import { openTestStore } from '../../support/store';

describe('embedded queue across ports on one store', () => {
  let store: Store;
  const ports: EmbeddedQueuePort[] = [];

  beforeAll(async () => {
    store = await openTestStore();
    await applyFeatureIndexes(store.db);
  });
  afterAll(async () => {
    for (const port of ports) await port.close();
    await store.close();
  });

  it('wakes a long poll on a send by another port through the change stream, not its poll interval', async () => {
    // A poll interval longer than the wait: only a change event can end the wait early.
    const receiver = new EmbeddedQueuePort(store.db, { pollIntervalMs: 60_000 });
    const sender = new EmbeddedQueuePort(store.db, { pollIntervalMs: 60_000 });
    ports.push(receiver, sender);
    await receiver.ensureQueue('shared', {});
    const started = Date.now();
    const waiting = receiver.receive('shared', { waitSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sender.send('shared', { body: 'from elsewhere' });
    expect((await waiting).map((m) => m.body)).toEqual(['from elsewhere']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('shares a queue between ports: each message goes to one receiver', async () => {
    const [a, b] = [new EmbeddedQueuePort(store.db), new EmbeddedQueuePort(store.db)];
    ports.push(a, b);
    await a.ensureQueue('split', {});
    await a.sendBatch(
      'split',
      Array.from({ length: 40 }, (_, i) => ({ body: String(i) })),
    );
    const got: string[] = [];
    await Promise.all(
      [a, b, a, b].map(async (port) => {
        for (;;) {
          const batch = await port.receive('split', { maxMessages: 10 });
          if (batch.length === 0) return;
          got.push(...batch.map((m) => m.body));
          await port.delete(
            'split',
            batch.map((m) => m.receiptHandle),
          );
        }
      }),
    );
    expect(got.sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
  });
});
