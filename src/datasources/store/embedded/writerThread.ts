import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineOptions } from './engine';
import type { WriteCall } from './writeCalls';
import { decodeError, decodeResult, encodeCall, type EncodedCall } from './writeTransport';

/**
 * The writer thread's nice value (Linux): when both want a core, the thread that answers
 * requests gets it first, and writes (whose callers wait for a durable commit anyway) go on
 * beside it.
 */
export const WRITER_NICE = 10;

/** What the writer thread opens: the engine's options that are data. */
export type WriterThreadOptions = Pick<
  EngineOptions,
  'dataDir' | 'dbName' | 'ttlIntervalMs' | 'oplogRetentionMs' | 'oplogMaxEntries' | 'watchPollMs'
>;

/** The service's thread to the writer thread: the write calls of one event turn, one commit. */
export type ToWriter = { type: 'calls'; calls: { id: number; call: EncodedCall }[] } | { type: 'close' };

/** One write call's end: its answer or error (BSON), and the collections it changed. */
export interface SettledCall {
  id: number;
  value?: Uint8Array;
  error?: Uint8Array;
  changed: string[];
}

/** The writer thread to the service's thread. */
export type FromWriter =
  { type: 'settled'; calls: SettledCall[] } | { type: 'held'; ms: number; heaviest: string } | { type: 'closed' };

export interface WriterThreadHooks {
  /** Once calls are committed (or failed), before their callers are answered. */
  settled(calls: SettledCall[]): void;
  /** After each write transaction: how long its work held the writer thread, and its heaviest write's collection. */
  held(ms: number, heaviest: string): void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The store's writes on a thread of their own (writerThreadEntry.ts), so no write transaction
 * holds the event loop that answers requests: this thread encodes each call, sends the calls of
 * one event turn together (they share one commit, as they do on the main thread), and answers
 * each once the writer thread reports it durable. Reads stay on this thread, on LMDB's
 * committed snapshots. A writer thread that dies fails the calls in flight; the next call
 * starts another.
 */
export class WriterThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private turn: { id: number; call: EncodedCall }[] | undefined;
  private nextId = 1;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: WriterThreadOptions,
    private readonly hooks: WriterThreadHooks,
  ) {}

  /** Sends `call` with the other calls of this event turn; answers once it is committed. */
  submit(call: WriteCall): Promise<unknown> {
    const id = this.nextId++;
    const encoded = encodeCall(call);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (!this.turn) {
        const turn: { id: number; call: EncodedCall }[] = [];
        this.turn = turn;
        setImmediate(() => {
          this.turn = undefined;
          this.post({ type: 'calls', calls: turn });
        });
      }
      this.turn.push({ id, call: encoded });
    });
  }

  /** Commits what was submitted, then closes the writer thread's view of the store. */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    while (this.turn || this.pending.size > 0) await new Promise((resolve) => setImmediate(resolve));
    const worker = this.worker;
    if (!worker) return;
    const closed = new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.on('message', (message: FromWriter) => {
        if (message.type === 'closed') void worker.terminate();
      });
    });
    worker.postMessage({ type: 'close' } satisfies ToWriter);
    await closed;
  }

  private post(message: ToWriter): void {
    this.started().postMessage(message);
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnWriter(this.options);
    worker.on('message', (message: FromWriter) => this.receive(message));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`the store's writer thread stopped (exit code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWriter): void {
    if (message.type === 'held') this.hooks.held(message.ms, message.heaviest);
    if (message.type !== 'settled') return;
    this.hooks.settled(message.calls);
    for (const settled of message.calls) {
      const pending = this.pending.get(settled.id);
      if (!pending) continue;
      this.pending.delete(settled.id);
      if (settled.error) pending.reject(decodeError(settled.error));
      else pending.resolve(settled.value ? decodeResult(settled.value) : undefined);
    }
  }

  private failAll(error: unknown): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** The writer thread: compiled JavaScript in a build, TypeScript through swc in development and tests. */
function spawnWriter(options: WriterThreadOptions): Worker {
  const entry = join(__dirname, `writerThreadEntry${extname(__filename)}`);
  if (extname(__filename) === '.ts') {
    const script = `require('@swc-node/register'); require(${JSON.stringify(entry)});`;
    return new Worker(script, { eval: true, workerData: options });
  }
  return new Worker(entry, { workerData: options });
}
