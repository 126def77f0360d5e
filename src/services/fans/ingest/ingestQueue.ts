import type { QueueMessage, QueuePort } from '../../../datasources/queue';
import type { ConsumerOptions } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import type { FanIngest, IncomingRecord } from './fanIngest';

/** Upstream producers' queue: created by whichever process starts first. */
export async function ensureIngestQueue(queue: QueuePort, name: string): Promise<void> {
  await queue.ensureQueue(name, { maxReceiveCount: 5, visibilityTimeoutSeconds: 60 });
}

/** The records of a message body (one JSON record or an array of them), numbered from 1 within it. */
function recordsOf(message: QueueMessage): { value?: unknown; error?: string }[] {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch (error) {
    return [{ error: `not a JSON record or array of records: ${(error as Error).message}` }];
  }
  return Array.isArray(body) ? body.map((value) => ({ value })) : [{ value: body }];
}

/**
 * The consumer of FAN_INGEST_QUEUE: the records of up to ten messages ingested together. A bad
 * record is logged (message id and position) and counted, and its message is deleted with the
 * rest, so it never blocks the queue; a failing store leaves the batch for redelivery.
 */
export function fanIngestConsumer(ingest: FanIngest, logger: Logger): ConsumerOptions {
  return {
    concurrency: 1,
    batchSize: 10,
    visibilityTimeoutSeconds: 60,
    async handler(messages) {
      const incoming: IncomingRecord[] = [];
      const origin: { messageId: string; position: number }[] = [];
      for (const message of messages) {
        recordsOf(message).forEach((record, index) => {
          incoming.push({ line: incoming.length + 1, ...record });
          origin.push({ messageId: message.id, position: index + 1 });
        });
      }
      const outcome = await ingest.ingest(incoming, 'queue');
      for (const rejection of outcome.rejections) {
        const { messageId, position } = origin[rejection.line - 1];
        logger.warn(
          { messageId, position, recordType: rejection.type, reason: rejection.reason },
          'fan record rejected from the ingest queue',
        );
      }
    },
  };
}
