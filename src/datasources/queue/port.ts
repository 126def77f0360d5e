/**
 * The queue port: what every producer and consumer of a queue sees, on SQS or on the embedded
 * engine kept in the document store. Semantics follow SQS so code proven on one engine holds on
 * the other: delivery is at least once, a received message stays invisible for its visibility
 * timeout and comes back unless deleted, and a message received more than `maxReceiveCount`
 * times moves to the queue's dead-letter queue.
 */
export interface QueuePort {
  readonly engine: 'sqs' | 'embedded';
  /**
   * Creates the queue (and its dead-letter queue) when missing. Idempotent; every process may
   * call it at start-up. A queue must be ensured by some process before it is used.
   */
  ensureQueue(name: string, options?: EnsureQueueOptions): Promise<void>;
  send(queue: string, message: OutgoingMessage): Promise<SentMessage>;
  /** Sends many messages in as few round trips as the engine allows (SQS: 10 per call). */
  sendBatch(queue: string, messages: OutgoingMessage[]): Promise<SentMessage[]>;
  /** Takes up to `maxMessages` (1..10) visible messages, waiting up to `waitSeconds` for one. */
  receive(queue: string, options?: ReceiveOptions): Promise<QueueMessage[]>;
  /** Deletes received messages; a handle whose message was received again since is ignored. */
  delete(queue: string, receiptHandles: string | string[]): Promise<void>;
  /** Sets how long a received message stays invisible from now (0: visible at once). */
  changeVisibility(queue: string, receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
  /** Moves a received message to the queue's dead-letter queue now, whatever its receive count. */
  deadLetter(queue: string, message: QueueMessage): Promise<void>;
  stats(queue: string): Promise<QueueStats>;
  /** Messages waiting in the queue's dead-letter queue, oldest first, without consuming them. */
  deadLetters(queue: string, options?: { first?: number }): Promise<DeadLetter[]>;
  /** Moves every dead-lettered message back to its queue; returns how many moved. */
  redriveDeadLetters(queue: string): Promise<number>;
  close(): Promise<void>;
}

export interface EnsureQueueOptions {
  /** FIFO: ordered within a message group, one in-flight message per group, deduplication. */
  fifo?: boolean;
  /** Receives before a message moves to the dead-letter queue (default 5). */
  maxReceiveCount?: number;
  /** Create and attach a dead-letter queue `<name>-dlq` (default true). */
  deadLetter?: boolean;
  /** Default visibility timeout of received messages (default 30 s). */
  visibilityTimeoutSeconds?: number;
}

export interface OutgoingMessage {
  body: string;
  /** Seconds before the message can be received (0..900); standard queues only, as on SQS. */
  delaySeconds?: number;
  /** FIFO queues: messages of one group are delivered in order, one at a time. */
  groupId?: string;
  /** FIFO queues: a second message with the same id within 5 minutes is dropped. */
  deduplicationId?: string;
}

export interface SentMessage {
  id: string;
}

export interface ReceiveOptions {
  /** 1..10 (default 1). */
  maxMessages?: number;
  /** Long poll: seconds to wait for a message when none is visible (0..20, default 0). */
  waitSeconds?: number;
  /** Overrides the queue's visibility timeout for these messages. */
  visibilityTimeoutSeconds?: number;
  /** Ends a long poll early (service shutdown); resolves with no messages. */
  signal?: AbortSignal;
}

export interface QueueMessage {
  id: string;
  body: string;
  /** Pass to delete / changeVisibility / deadLetter; valid until the message is received again. */
  receiptHandle: string;
  /** 1 on first delivery. */
  receiveCount: number;
  groupId?: string;
  sentAt: Date;
}

export interface QueueStats {
  /** Receivable now. */
  visible: number;
  /** Received and neither deleted nor visible again yet. */
  inFlight: number;
  /** Sent with a delay that has not passed. */
  delayed: number;
  /** Waiting in the dead-letter queue. */
  deadLettered: number;
}

export interface DeadLetter {
  id: string;
  body: string;
  receiveCount: number;
  groupId?: string;
  sentAt: Date;
}

/** Queue names are portable across engines: SQS allows 80 characters including prefix and .fifo. */
export const QUEUE_NAME = /^[A-Za-z0-9_-]{1,60}$/;

export const MAX_RECEIVE_BATCH = 10;
export const MAX_DELAY_SECONDS = 900;
export const DEFAULT_MAX_RECEIVE_COUNT = 5;
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
/** How long a FIFO deduplication id is remembered, as on SQS. */
export const DEDUPLICATION_WINDOW_MS = 5 * 60 * 1000;

export class QueueError extends Error {
  constructor(
    message: string,
    readonly code: 'QUEUE_NOT_FOUND' | 'QUEUE_INVALID' | 'QUEUE_FAILED' = 'QUEUE_FAILED',
  ) {
    super(message);
    this.name = 'QueueError';
  }
}

/** Checks a queue name and receive options the same way on both engines. */
export function checkQueueName(name: string): void {
  if (!QUEUE_NAME.test(name)) {
    throw new QueueError(`queue name "${name}": 1-60 letters, digits, - and _`, 'QUEUE_INVALID');
  }
}

/** The same refusals on both engines for what SQS refuses in a message. */
export function checkOutgoing(message: OutgoingMessage, fifo: boolean): void {
  const delay = message.delaySeconds ?? 0;
  if (!Number.isFinite(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
    throw new QueueError(`delaySeconds: 0..${MAX_DELAY_SECONDS}`, 'QUEUE_INVALID');
  }
  if (fifo && delay > 0) throw new QueueError('delaySeconds: FIFO queues take no per-message delay', 'QUEUE_INVALID');
}

export function receiveLimit(options: ReceiveOptions): number {
  const max = options.maxMessages ?? 1;
  if (!Number.isInteger(max) || max < 1 || max > MAX_RECEIVE_BATCH) {
    throw new QueueError(`maxMessages: 1..${MAX_RECEIVE_BATCH}`, 'QUEUE_INVALID');
  }
  return max;
}

export const deadLetterQueueName = (name: string) => `${name}-dlq`;
