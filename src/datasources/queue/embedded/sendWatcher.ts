import type { ChangeStream, Db } from 'mongodb';
import { MESSAGES } from './documents';

/**
 * Follows sends to every queue of the store through its change stream, so a long poll in this
 * process wakes when another process on the same store sends (the embedded engine's oplog is
 * shared by every process on a data directory). Without change streams (a MongoDB server that
 * is not a replica set) it stops, and receivers fall back to their poll interval.
 */
export class SendWatcher {
  private stream: ChangeStream | null = null;
  private failed = false;

  constructor(
    private readonly db: Db,
    private readonly onSend: (queue: string) => void,
  ) {}

  /** Opens the stream on first use; later calls do nothing. */
  ensureOpen(): void {
    if (this.stream || this.failed) return;
    try {
      this.stream = this.db
        .collection(MESSAGES)
        .watch([{ $match: { operationType: 'insert' } }, { $project: { 'fullDocument.queue': 1 } }]);
    } catch {
      this.failed = true;
      return;
    }
    this.stream.on('change', (change: { fullDocument?: { queue?: unknown } }) => {
      const queue = change.fullDocument?.queue;
      if (typeof queue === 'string') this.onSend(queue);
    });
    this.stream.on('error', () => {
      this.failed = true;
      void this.close();
    });
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    await stream?.close().catch(() => undefined);
  }
}
