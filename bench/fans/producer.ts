import { once } from 'node:events';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { registrationLines } from './fanData';

export interface ProducerOrder {
  /** http://127.0.0.1:<port> of the service. */
  origin: string;
  /** An operator's API key. */
  key: string;
  total: number;
  batchLines: number;
  inFlight: number;
}

export interface ProducerTally {
  accepted: number;
  rejected: number;
  /** Rejections counted by reason. */
  reasons: Record<string, number>;
}

interface IngestAnswer {
  accepted?: number;
  rejected?: number;
  rejections?: { line: number; reason: string }[];
}

/** One NDJSON batch through POST /ingest/fans, as an upstream producer sends it. */
async function postBatch(order: ProducerOrder, body: string): Promise<IngestAnswer> {
  const response = await fetch(new URL('/ingest/fans', order.origin), {
    method: 'POST',
    headers: { authorization: `Bearer ${order.key}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /ingest/fans answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as IngestAnswer;
}

/** The registrations of the order, `inFlight` requests at a time. */
async function send(order: ProducerOrder): Promise<ProducerTally> {
  const tally: ProducerTally = { accepted: 0, rejected: 0, reasons: {} };
  let next = 0;
  const client = async () => {
    while (next < order.total) {
      const from = next;
      next = Math.min(order.total, next + order.batchLines);
      const answer = await postBatch(order, registrationLines(from, next));
      tally.accepted += answer.accepted ?? 0;
      tally.rejected += answer.rejected ?? 0;
      for (const { reason } of answer.rejections ?? []) tally.reasons[reason] = (tally.reasons[reason] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: order.inFlight }, client));
  return tally;
}

/** Starts this file in a worker thread (through the same TypeScript loader) and answers its tally. */
export async function produce(order: ProducerOrder): Promise<ProducerTally> {
  const worker = new Worker(`require('@swc-node/register'); require(${JSON.stringify(__filename)});`, {
    eval: true,
    workerData: order,
  });
  const [answer] = (await once(worker, 'message')) as [{ tally?: ProducerTally; error?: string }];
  await worker.terminate();
  if (answer.error !== undefined) throw new Error(answer.error);
  return answer.tally!;
}

if (!isMainThread && (workerData as ProducerOrder | undefined)?.origin) {
  send(workerData as ProducerOrder).then(
    (tally) => parentPort!.postMessage({ tally }),
    (error: Error) => parentPort!.postMessage({ error: error.message }),
  );
}
