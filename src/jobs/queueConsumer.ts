import type { QueueMessage, QueuePort } from '../datasources/queue';
import { MAX_RECEIVE_BATCH } from '../datasources/queue';
import type { Logger } from '../logger';
import { backoffMs } from './backoff';
import type { Consumer, ConsumerOptions, ConsumerResult } from './jobType';

export interface QueueConsumerSettings {
  queue: QueuePort;
  logger: Logger;
  defaultWaitSeconds: number;
  /** Graceful stop: running batches may finish for this long, then are released. */
  stopTimeoutMs: number;
}

interface RunningBatch {
  messages: QueueMessage[];
  controller: AbortController;
  /** Settles when the handler has returned (its slot is free again then). */
  done: Promise<void>;
}

const RECEIVE_ERROR_PAUSE_MS = 1000;
/** Between empty receives while draining: the producer is in this process and ends soon. */
const DRAIN_PAUSE_MS = 5;

/**
 * Worker loops on one queue: up to `concurrency` handler calls run at once, each batch is
 * settled as the handler says, and the visibility of every message held is extended while it
 * is held. Messages are received ahead of free slots, up to one receive's worth (at most as
 * many as the slots hold), so a freed slot starts its next batch at once instead of waiting
 * for a receive's commit, and that receive overlaps running handlers. One loop per ten
 * messages of room, so receiving keeps up with many slots. A slot is freed as soon as its
 * handler returns: deleting the handled messages is queue work, not handler work, so the next
 * batch does not wait for that write's commit (the deletes of batches finishing together
 * share one).
 */
export class QueueConsumer implements Consumer {
  private readonly running = new Set<RunningBatch>();
  /** Received ahead of free slots, oldest first: started as slots free up. */
  private ready: QueueMessage[] = [];
  /** Messages in running batches. */
  private runningMessages = 0;
  /** Most messages held at once: the slots' and one receive's worth ahead. */
  private readonly room: number;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Results of returned handlers still being applied to the queue (deletes, retries). */
  private readonly settling = new Set<Promise<void>>();
  private deleting: { handles: string[]; done: Promise<void> } | null = null;
  private readonly receiving = new AbortController();
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly visibilitySeconds: number;
  private slotWaiters: (() => void)[] = [];
  /** Messages asked for by receives in progress, so concurrent loops do not over-receive. */
  private reserved = 0;
  private loops: Promise<void> | null = null;
  private stopping = false;
  /** Set by drain(): whether messages may still come. A service's worker has none and waits for more. */
  private producing: (() => boolean) | null = null;
  /** Counts started batches, so a drain's receive knows whether one started while it looked. */
  private batchesStarted = 0;

  constructor(
    readonly queue: string,
    private readonly options: ConsumerOptions,
    private readonly settings: QueueConsumerSettings,
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.batchSize = Math.min(MAX_RECEIVE_BATCH, Math.max(1, options.batchSize ?? MAX_RECEIVE_BATCH));
    this.visibilitySeconds = options.visibilityTimeoutSeconds ?? 60;
    const slotsHold = this.concurrency * this.batchSize;
    this.room = slotsHold + Math.min(MAX_RECEIVE_BATCH, slotsHold);
  }

  start(): void {
    if (this.loops || this.stopping) return;
    // One timer for every message held, rather than one per batch. It alone does not keep the
    // process alive: the receive loops and running handlers do while there is work.
    this.heartbeat = setInterval(() => void this.extendHeld(), Math.max(100, (this.visibilitySeconds * 1000) / 3));
    this.heartbeat.unref();
    const count = Math.ceil(this.room / MAX_RECEIVE_BATCH);
    this.loops = Promise.all(Array.from({ length: count }, () => this.receiveLoop())).then(() => undefined);
  }

  /**
   * Handles messages until the queue is drained, then stops: for a producer in this process (a
   * CLI sync) rather than a service's worker, which waits for more. Receives do not wait; each
   * receive loop ends once its receive finds nothing although `producing()` said false and no
   * message was held or being settled before it, and no batch started meanwhile (so no retry
   * came back while it looked). Retries should come back at once (`backoffMs: 0`), or the drain
   * may end before they are visible again.
   */
  async drain(producing: () => boolean): Promise<void> {
    this.producing = producing;
    this.start();
    await this.loops;
    await this.stop();
  }

  async stop(): Promise<void> {
    if (this.stopping) return this.loops ?? undefined;
    this.stopping = true;
    this.receiving.abort();
    this.wakeLoops();
    await this.loops;
    // Received ahead and never started: another worker may take them now.
    await this.release(this.ready.splice(0));
    const finished = Promise.all([...this.running].map((batch) => batch.done));
    const deadline = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), this.settings.stopTimeoutMs).unref(),
    );
    const timedOut = (await Promise.race([finished, deadline])) === 'timeout';
    // Handlers that returned meanwhile have their results applied before stop() resolves.
    await Promise.all([...this.settling]);
    if (timedOut) {
      // Past the deadline: abort what still runs and hand its messages to another worker now.
      const unfinished = [...this.running];
      for (const batch of unfinished) batch.controller.abort(new Error('the service is stopping'));
      await this.release(unfinished.flatMap((batch) => batch.messages));
    }
    clearInterval(this.heartbeat);
  }

  private async release(messages: QueueMessage[]): Promise<void> {
    await Promise.all(
      messages.map((m) => this.settle(() => this.settings.queue.changeVisibility(this.queue, m.receiptHandle, 0))),
    );
  }

  private async receiveLoop(): Promise<void> {
    while (!this.stopping) {
      const free = this.room - this.runningMessages - this.ready.length - this.reserved;
      if (free <= 0) {
        await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
        continue;
      }
      const wanted = Math.min(MAX_RECEIVE_BATCH, free);
      const idleBefore = this.producing !== null && !this.producing() && this.holdsNothing();
      const batchesBefore = this.batchesStarted;
      this.reserved += wanted;
      let messages: QueueMessage[];
      try {
        messages = await this.settings.queue.receive(this.queue, {
          maxMessages: wanted,
          waitSeconds: this.producing ? 0 : (this.options.waitSeconds ?? this.settings.defaultWaitSeconds),
          visibilityTimeoutSeconds: this.visibilitySeconds,
          signal: this.receiving.signal,
        });
      } catch (error) {
        this.settings.logger.error({ err: error, queue: this.queue }, 'receive failed; retrying');
        await pause(RECEIVE_ERROR_PAUSE_MS, this.receiving.signal);
        continue;
      } finally {
        this.reserved -= wanted;
      }
      this.ready.push(...messages);
      this.startReady();
      // Room this receive did not fill is free again for a waiting loop.
      if (messages.length < wanted) this.wakeLoops();
      if (this.producing && messages.length === 0) {
        if (idleBefore && this.batchesStarted === batchesBefore) return;
        await pause(DRAIN_PAUSE_MS, this.receiving.signal);
      }
    }
  }

  private holdsNothing(): boolean {
    return this.running.size === 0 && this.ready.length === 0 && this.settling.size === 0;
  }

  /** Starts batches of ready messages while slots are free (none once stopping). */
  private startReady(): void {
    while (!this.stopping && this.ready.length > 0 && this.running.size < this.concurrency) {
      this.startBatch(this.ready.splice(0, this.batchSize));
    }
  }

  private wakeLoops(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const wake of waiters) wake();
  }

  private startBatch(messages: QueueMessage[]): void {
    const controller = new AbortController();
    const batch = { messages, controller } as RunningBatch;
    this.batchesStarted += 1;
    this.runningMessages += messages.length;
    batch.done = this.runBatch(batch).then((result) => {
      this.running.delete(batch);
      this.runningMessages -= messages.length;
      this.startReady();
      this.wakeLoops();
      if (!result) return;
      const settled = this.applyResult(messages, result).finally(() => this.settling.delete(settled));
      this.settling.add(settled);
    });
    this.running.add(batch);
  }

  /** Runs the handler; undefined when stop() released the batch meanwhile (nothing to apply). */
  private async runBatch(batch: RunningBatch): Promise<ConsumerResult | undefined> {
    let result: ConsumerResult | void;
    try {
      result = await this.options.handler(batch.messages, {
        logger: this.settings.logger,
        signal: batch.controller.signal,
      });
    } catch (error) {
      if (batch.controller.signal.aborted) return;
      this.settings.logger.error(
        { err: error, queue: this.queue, messages: batch.messages.length },
        'handler failed; messages will be delivered again',
      );
      result = { retry: batch.messages.map((message) => ({ message })) };
    }
    // Released by stop() meanwhile: another worker may hold them by now.
    if (batch.controller.signal.aborted) return undefined;
    return result ?? {};
  }

  private async applyResult(messages: QueueMessage[], result: ConsumerResult): Promise<void> {
    const named = new Set<string>();
    const queue = this.settings.queue;
    for (const { message, delaySeconds } of result.retry ?? []) {
      named.add(message.receiptHandle);
      const delay = delaySeconds ?? backoffMs(this.options.backoffMs ?? 1000, message.receiveCount) / 1000;
      await this.settle(() => queue.changeVisibility(this.queue, message.receiptHandle, delay));
    }
    for (const message of result.deadLetter ?? []) {
      named.add(message.receiptHandle);
      await this.settle(() => queue.deadLetter(this.queue, message));
    }
    for (const message of result.keep ?? []) named.add(message.receiptHandle);
    const done = messages.filter((m) => !named.has(m.receiptHandle)).map((m) => m.receiptHandle);
    if (done.length > 0) await this.deleteSoon(done);
  }

  /**
   * Deletes handled messages together with those of every batch that finishes in the same
   * event-loop turn (jobs finishing together: one delete call, not one per job).
   */
  private deleteSoon(receiptHandles: string[]): Promise<void> {
    if (!this.deleting) {
      const handles: string[] = [];
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.deleting = null;
        return this.settle(() => this.settings.queue.delete(this.queue, handles));
      });
      this.deleting = { handles, done };
    }
    this.deleting.handles.push(...receiptHandles);
    return this.deleting.done;
  }

  /** Keeps every message held (running or ready) invisible to other workers. */
  private async extendHeld(): Promise<void> {
    const held = [...this.ready, ...[...this.running].flatMap((batch) => batch.messages)];
    await Promise.all(
      held.map((m) =>
        this.settle(() => this.settings.queue.changeVisibility(this.queue, m.receiptHandle, this.visibilitySeconds)),
      ),
    );
  }

  /** Queue calls after handling are best effort: a failure means redelivery, which is allowed. */
  private async settle(operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (error) {
      this.settings.logger.warn(
        { err: error, queue: this.queue },
        'queue call failed; the message may be delivered again',
      );
    }
  }
}

/** Resolves after `ms` or on abort; leaves no listener behind, since a drain pauses often. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
