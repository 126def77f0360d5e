import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from './engine';
import { decodeCall, encodeError, encodeResult } from './writeTransport';
import {
  WRITER_NICE,
  type FromWriter,
  type SettledCall,
  type ToWriter,
  type WriterThreadOptions,
} from './writerThread';

/**
 * The store's writer thread (writerThread.ts): opens the same LMDB environment and runs the
 * write calls it is sent, each message's calls in one commit, answering each once durable.
 */
const port = parentPort!;

/** Linux names a thread by its id in /proc/thread-self; elsewhere the writer keeps the process's priority. */
function yieldToRequests(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, WRITER_NICE);
  } catch {
    // no per-thread priority on this system
  }
}

yieldToRequests();
const engine = new Engine({ ...(workerData as WriterThreadOptions), writerThread: false });
const send = (message: FromWriter) => port.postMessage(message);

engine.onTransactionHeld((ms, heaviest) => send({ type: 'held', ms, heaviest }));

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    void engine.close().then(() => send({ type: 'closed' }));
    return;
  }
  const settled = message.calls.map(async ({ id, call }): Promise<SettledCall> => {
    try {
      const outcome = await engine.writeOutcome(decodeCall(call));
      const changed = [...(outcome.changed ?? [])];
      if (outcome.error !== undefined) return { id, error: encodeError(outcome.error), changed };
      return { id, value: encodeResult(outcome.value), changed };
    } catch (error) {
      return { id, error: encodeError(error), changed: [] };
    }
  });
  void Promise.all(settled).then((calls) => send({ type: 'settled', calls }));
});
