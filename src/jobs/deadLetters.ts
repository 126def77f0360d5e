import { QueueError, type DeadLetter, type QueuePort, type QueueStats } from '../datasources/queue';
import { AppError, badInput, notFound } from '../errors';

const MAX_DEAD_LETTERS = 100;

/** A queue's dead-letter queue as operators see it: its counts and its oldest messages. */
export interface DeadLetterReport {
  queue: string;
  stats: QueueStats;
  messages: DeadLetter[];
}

/** Queue errors as API errors: an unknown queue is NOT_FOUND, a malformed name BAD_USER_INPUT. */
async function onQueue<T>(queue: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof QueueError)) throw error;
    if (error.code === 'QUEUE_NOT_FOUND') throw notFound('Queue', queue);
    if (error.code === 'QUEUE_INVALID') throw badInput(`queue: ${error.message}`, 'queue');
    throw new AppError('INTERNAL_SERVER_ERROR', `The queue ${queue} could not be read`);
  }
}

/** Reading and redriving the dead-letter queue of a job queue or of a pipeline's queue. */
export class DeadLetterQueues {
  constructor(private readonly queue: QueuePort) {}

  read(queue: string, first: number): Promise<DeadLetterReport> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_DEAD_LETTERS) {
      throw badInput(`first: between 1 and ${MAX_DEAD_LETTERS}`, 'first');
    }
    return onQueue(queue, async () => {
      const [stats, messages] = await Promise.all([this.queue.stats(queue), this.queue.deadLetters(queue, { first })]);
      return { queue, stats, messages };
    });
  }

  /** Moves every dead-lettered message back to its queue; returns how many moved. */
  redrive(queue: string): Promise<number> {
    return onQueue(queue, () => this.queue.redriveDeadLetters(queue));
  }
}
