import type { Collection, Db } from '../../store';
import { SIGNALS, type SignalDocument } from './documents';

interface QueueSignal {
  /** The write in progress, if any. */
  writing: Promise<void> | null;
  /** Sends completed after that write started: one more write is owed. */
  owed: boolean;
}

/**
 * Tells other processes on the store that a queue received messages, for their long polls to
 * wake (SendWatcher). One small document per queue is bumped, rather than having watchers
 * follow the messages collection, where every claim and delete is a change event they would
 * decode and discard: three per message, against at most one signal per commit here.
 *
 * A signal is written after the messages' insert returned, so a watcher that sees it finds them
 * visible. While one is being written, later sends only mark one more as owed: the rate of
 * signal writes follows commits, not sends. Signals are hints: one that fails to be written only
 * leaves other processes' receivers to their poll interval, so the send still succeeds.
 */
export class SendSignals {
  private readonly signals: Collection<SignalDocument>;
  private readonly queues = new Map<string, QueueSignal>();

  constructor(db: Db) {
    this.signals = db.collection<SignalDocument>(SIGNALS);
  }

  /** Call once the messages sent to `queue` are stored. */
  sent(queue: string): void {
    let state = this.queues.get(queue);
    if (!state) {
      state = { writing: null, owed: false };
      this.queues.set(queue, state);
    }
    if (state.writing) {
      state.owed = true;
      return;
    }
    state.writing = this.write(queue, state);
  }

  /** Resolves once every signal owed is written (or has failed). */
  async close(): Promise<void> {
    for (const state of this.queues.values()) await state.writing;
  }

  private async write(queue: string, state: QueueSignal): Promise<void> {
    do {
      state.owed = false;
      // $inc changes the document every time; an unchanged document would raise no change event.
      await this.signals.updateOne({ _id: queue }, { $inc: { sends: 1 } }, { upsert: true }).catch(() => undefined);
    } while (state.owed);
    state.writing = null;
  }
}
