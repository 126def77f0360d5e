import type { Db } from '../store';
import type { Config } from '../../config';
import { EmbeddedQueuePort } from './embedded/embeddedQueue';
import { createSqsClient, SqsQueuePort } from './sqs/sqsQueue';
import type { QueuePort } from './port';

export * from './port';
export { EmbeddedQueuePort } from './embedded/embeddedQueue';
export { SqsQueuePort } from './sqs/sqsQueue';
/** The store indexes the embedded queue engine needs (harmless on SQS: the collections stay empty). */
export { queueIndexes } from './embedded/indexes';

/**
 * The queue engine chosen by QUEUE_BACKEND: `sqs` (Amazon SQS, or SQS_ENDPOINT; queue names
 * prefixed with QUEUE_PREFIX) or `embedded` (durable, kept in the document store `db`).
 */
export function createQueuePort(
  config: Pick<Config, 'QUEUE_BACKEND' | 'QUEUE_PREFIX' | 'AWS_REGION' | 'SQS_ENDPOINT' | 'QUEUE_POLL_INTERVAL_MS'>,
  db: Db,
): QueuePort {
  if (config.QUEUE_BACKEND === 'sqs') {
    return new SqsQueuePort({ client: createSqsClient(config), prefix: config.QUEUE_PREFIX });
  }
  return new EmbeddedQueuePort(db, { pollIntervalMs: config.QUEUE_POLL_INTERVAL_MS });
}
