import type { ChangeStream, Db } from '../../store';
import { SIGNALS } from './documents';

/**
 * Follows the send signals of every queue of the store (SendSignals) through its change
 * stream, so a long poll in this process wakes when another process on the same store sends
 * (the embedded engine's oplog is shared by every process on a data directory). Without change
 * streams (a MongoDB server that is not a replica set) it stops, and receivers fall back to
 * their poll interval.
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
      // No pipeline: every change of this collection is a signal, and a pipeline would cost the
      // embedded engine an aggregation per event.
      this.stream = this.db.collection(SIGNALS).watch();
    } catch {
      this.failed = true;
      return;
    }
    this.stream.on('change', (change) => {
      const queue: unknown = 'documentKey' in change ? change.documentKey._id : undefined;
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
