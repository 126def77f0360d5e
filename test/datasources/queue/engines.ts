import type { Db } from '../../../src/datasources/store';
import { EmbeddedQueuePort, SqsQueuePort, type QueuePort } from '../../../src/datasources/queue';
import { startFauxqs } from './fauxqs';

export interface QueueEngine {
  name: string;
  /** A fresh port with its own queues; `db` is set on the embedded engine. */
  open(): Promise<{ port: QueuePort; db?: Db; close(): Promise<void> }>;
}

let prefixes = 0;

/** The engines every queue contract test runs on: embedded (always) and SQS on fauxqs. */
export const queueEngines: QueueEngine[] = [
  {
    name: 'embedded',
    async open() {
      const { openTestStore } = await import('../../support/store');
      const { applyFeatureIndexes } = await import('../../../src/features');
      const store = await openTestStore();
      await applyFeatureIndexes(store.db);
      const port = new EmbeddedQueuePort(store.db, { pollIntervalMs: 50 });
      return {
        port,
        db: store.db,
        close: async () => {
          await port.close();
          await store.close();
        },
      };
    },
  },
  {
    name: 'sqs (fauxqs)',
    async open() {
      const fauxqs = await startFauxqs();
      const port = new SqsQueuePort({ client: fauxqs.client(), prefix: `t${++prefixes}-` });
      return {
        port,
        close: async () => {
          await port.close();
          await fauxqs.stop();
        },
      };
    },
  },
];
