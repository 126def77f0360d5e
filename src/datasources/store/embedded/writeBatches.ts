/**
 * A write transaction takes in more waiting turns of write calls only while it has held its
 * thread less than this, so one caller's burst does not hold back another's answer for long.
 */
export const TRANSACTION_BUDGET_MS = 10;

/** What one write call did inside its transaction. */
export interface WriteOutcome {
  value?: unknown;
  error?: unknown;
  changed?: ReadonlySet<string>;
}

interface QueuedWrite {
  action: () => unknown;
  label: string;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: unknown) => void;
}

export interface WriteBatchesDeps {
  /** Runs `callback` in LMDB's write transaction; settles once the commit is durable. */
  transaction(callback: () => void): Promise<unknown>;
  /** Inside the transaction: one write call (numbered by the transaction it runs in). */
  run(action: () => unknown, label: string, transaction: number): WriteOutcome;
  /** After the commit, or its failure, for each write call it ran, before the call is answered. */
  settled(outcome: WriteOutcome, failure: unknown): void;
  /**
   * Once the transaction's callback returns: how long it held its thread, and the label
   * of the write call that held it longest.
   */
  held?(ms: number, heaviest: string): void;
}

/**
 * The embedded store's write calls, batched into LMDB transactions one at a time. Write calls
 * issued in the same event-loop turn always share one commit (a caller's writes issued together
 * are all or nothing on a crash). The turns waiting for the writer are batched into one
 * transaction until it has held its thread for TRANSACTION_BUDGET_MS; the rest wait for the
 * next one, so a burst of writers never holds its thread much longer than its largest single
 * turn of writes (docs/store.md).
 */
export class WriteBatches {
  /** Write calls waiting for the writer, grouped by the event-loop turn that issued them. */
  private readonly waitingGroups: QueuedWrite[][] = [];
  /** The group of the current turn, open to more write calls until the turn ends. */
  private openGroup: QueuedWrite[] | undefined;
  /** The running transaction, settled once it is durable. */
  private transaction: Promise<void> | undefined;
  /** Transactions run (LMDB's id does not move when one wrote nothing). */
  private transactions = 0;

  constructor(private readonly deps: WriteBatchesDeps) {}

  /**
   * Runs `action` in a write transaction; answers what it did (its value or error, and what it
   * changed) once the commit is durable, and fails if the commit does.
   */
  submit(action: () => unknown, label: string): Promise<WriteOutcome> {
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.enqueue({ action, label, resolve, reject });
    });
  }

  /** Until every write call submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.transaction) await this.transaction;
  }

  /** Adds a write call to this turn's group, and starts a transaction if none is running. */
  private enqueue(write: QueuedWrite): void {
    let group = this.openGroup;
    if (!group) {
      const opened: QueuedWrite[] = [];
      group = this.openGroup = opened;
      this.waitingGroups.push(opened);
      setImmediate(() => {
        if (this.openGroup === opened) this.openGroup = undefined;
      });
    }
    group.push(write);
    this.start();
  }

  /**
   * One LMDB transaction over the waiting groups, whole groups only, starting another while
   * the transaction has held its thread less than TRANSACTION_BUDGET_MS; then, once it is
   * durable, the next transaction for what is left.
   */
  private start(): void {
    if (this.transaction || this.waitingGroups.length === 0) return;
    const ran: { write: QueuedWrite; outcome: WriteOutcome }[] = [];
    const committed = this.deps.transaction(() => {
      this.transactions += 1;
      const started = performance.now();
      let now = started;
      let heaviest = { label: '', ms: -1 };
      while (this.waitingGroups.length > 0 && (ran.length === 0 || now - started < TRANSACTION_BUDGET_MS)) {
        const group = this.waitingGroups.shift()!;
        if (group === this.openGroup) this.openGroup = undefined;
        for (const write of group) {
          const before = now;
          ran.push({ write, outcome: this.deps.run(write.action, write.label, this.transactions) });
          now = performance.now();
          if (now - before > heaviest.ms) heaviest = { label: write.label, ms: now - before };
        }
      }
      this.deps.held?.(now - started, heaviest.label);
    });
    this.transaction = committed.then(
      () => this.settle(ran, undefined),
      (error: unknown) => this.settle(ran, error),
    );
  }

  /** After the commit (or its failure): answers the write calls it ran, then starts the next. */
  private settle(ran: { write: QueuedWrite; outcome: WriteOutcome }[], failure: unknown): void {
    this.transaction = undefined;
    for (const { write, outcome } of ran) {
      this.deps.settled(outcome, failure);
      if (failure !== undefined) write.reject(failure);
      else write.resolve(outcome);
    }
    this.start();
  }
}
