import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import {
  checkOutgoing,
  QueueError,
  receiveLimit,
  MAX_RECEIVE_BATCH,
  type DeadLetter,
  type EnsureQueueOptions,
  type OutgoingMessage,
  type QueueMessage,
  type QueuePort,
  type QueueStats,
  type ReceiveOptions,
  type SentMessage,
} from '../port';
import { SqsQueueDirectory, type SqsQueue } from './sqsQueues';

export interface SqsQueueOptions {
  client: SQSClient;
  /** QUEUE_PREFIX: one set of queues per environment in one AWS account. */
  prefix: string;
}

const chunks = <T>(items: T[], size = MAX_RECEIVE_BATCH): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** The queue port on Amazon SQS (or any SQS-compatible endpoint such as fauxqs). */
export class SqsQueuePort implements QueuePort {
  readonly engine = 'sqs' as const;
  private readonly client: SQSClient;
  private readonly queues: SqsQueueDirectory;

  constructor(options: SqsQueueOptions) {
    this.client = options.client;
    this.queues = new SqsQueueDirectory(options.client, options.prefix);
  }

  ensureQueue(name: string, options: EnsureQueueOptions = {}): Promise<void> {
    return this.queues.ensure(name, options);
  }

  async send(queue: string, message: OutgoingMessage): Promise<SentMessage> {
    const target = await this.queues.resolve(queue);
    const entry = toEntry(target, message, '0');
    const { MessageId } = await this.client.send(new SendMessageCommand({ QueueUrl: target.url, ...entry }));
    return { id: MessageId ?? '' };
  }

  async sendBatch(queue: string, messages: OutgoingMessage[]): Promise<SentMessage[]> {
    const target = await this.queues.resolve(queue);
    return this.sendEntries(
      target.url,
      messages.map((message, i) => toEntry(target, message, String(i))),
    );
  }

  async receive(queue: string, options: ReceiveOptions = {}): Promise<QueueMessage[]> {
    const target = await this.queues.resolve(queue);
    return this.receiveFrom(target.url, options);
  }

  async delete(queue: string, receiptHandles: string | string[]): Promise<void> {
    const target = await this.queues.resolve(queue);
    await this.deleteFrom(target.url, typeof receiptHandles === 'string' ? [receiptHandles] : receiptHandles);
  }

  async changeVisibility(queue: string, receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    const target = await this.queues.resolve(queue);
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: target.url,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.min(43_200, Math.max(0, Math.ceil(visibilityTimeoutSeconds))),
      }),
    );
  }

  async deadLetter(queue: string, message: QueueMessage): Promise<void> {
    const target = await this.queues.resolve(queue);
    const deadLetterUrl = this.requireDeadLetter(queue, target);
    // Send first, then delete: a crash in between leaves a duplicate, never a lost message.
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: deadLetterUrl,
        MessageBody: message.body,
        ...(target.fifo ? { MessageGroupId: message.groupId ?? 'default', MessageDeduplicationId: message.id } : {}),
      }),
    );
    await this.deleteFrom(target.url, [message.receiptHandle]);
  }

  async stats(queue: string): Promise<QueueStats> {
    const target = await this.queues.resolve(queue);
    const main = await this.counts(target.url);
    const dead = target.deadLetterUrl ? await this.counts(target.deadLetterUrl) : undefined;
    return {
      visible: main.ApproximateNumberOfMessages,
      inFlight: main.ApproximateNumberOfMessagesNotVisible,
      delayed: main.ApproximateNumberOfMessagesDelayed,
      deadLettered: dead ? dead.ApproximateNumberOfMessages + dead.ApproximateNumberOfMessagesNotVisible : 0,
    };
  }

  /**
   * SQS cannot peek: dead letters are received with a short visibility timeout and made visible
   * again at once, so listing them never consumes them.
   */
  async deadLetters(queue: string, options: { first?: number } = {}): Promise<DeadLetter[]> {
    const target = await this.queues.resolve(queue);
    const deadLetterUrl = this.requireDeadLetter(queue, target);
    const first = options.first ?? 20;
    const seen = new Map<string, QueueMessage>();
    while (seen.size < first) {
      const batch = await this.receiveFrom(deadLetterUrl, {
        maxMessages: Math.min(MAX_RECEIVE_BATCH, first - seen.size),
        visibilityTimeoutSeconds: 30,
      });
      if (batch.length === 0) break;
      for (const message of batch) seen.set(message.id, message);
    }
    const listed = [...seen.values()];
    for (const group of chunks(listed)) {
      await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: deadLetterUrl,
          Entries: group.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
    return listed
      .sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime())
      .map(({ id, body, receiveCount, groupId, sentAt }) => ({ id, body, receiveCount, groupId, sentAt }));
  }

  /** Receive from the dead-letter queue, send back, delete: at least once, like every consumer. */
  async redriveDeadLetters(queue: string): Promise<number> {
    const target = await this.queues.resolve(queue);
    const deadLetterUrl = this.requireDeadLetter(queue, target);
    let moved = 0;
    for (;;) {
      const batch = await this.receiveFrom(deadLetterUrl, {
        maxMessages: MAX_RECEIVE_BATCH,
        visibilityTimeoutSeconds: 60,
      });
      if (batch.length === 0) return moved;
      const entries = batch.map((m, i) =>
        toEntry(
          target,
          { body: m.body, groupId: m.groupId, deduplicationId: target.fifo ? `redrive-${m.id}` : undefined },
          String(i),
        ),
      );
      await this.sendEntries(target.url, entries);
      await this.deleteFrom(
        deadLetterUrl,
        batch.map((m) => m.receiptHandle),
      );
      moved += batch.length;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private requireDeadLetter(queue: string, target: SqsQueue): string {
    if (!target.deadLetterUrl) throw new QueueError(`queue ${queue} has no dead-letter queue`, 'QUEUE_INVALID');
    return target.deadLetterUrl;
  }

  private async sendEntries(url: string, entries: SendMessageBatchRequestEntry[]): Promise<SentMessage[]> {
    const sent: SentMessage[] = [];
    for (const group of chunks(entries)) {
      const result = await this.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: group }));
      const failed = result.Failed ?? [];
      if (failed.length > 0) {
        throw new QueueError(
          `SQS refused ${failed.length} of ${group.length} messages: ${failed[0].Code} ${failed[0].Message ?? ''}`,
        );
      }
      const ids = new Map((result.Successful ?? []).map((s) => [s.Id, s.MessageId ?? '']));
      for (const entry of group) sent.push({ id: ids.get(entry.Id) ?? '' });
    }
    return sent;
  }

  private async receiveFrom(url: string, options: ReceiveOptions): Promise<QueueMessage[]> {
    const maxMessages = receiveLimit(options);
    if (options.signal?.aborted) return [];
    try {
      const { Messages } = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: maxMessages,
          WaitTimeSeconds: Math.min(20, Math.max(0, Math.round(options.waitSeconds ?? 0))),
          VisibilityTimeout:
            options.visibilityTimeoutSeconds === undefined ? undefined : Math.ceil(options.visibilityTimeoutSeconds),
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp', 'MessageGroupId'],
        }),
        { abortSignal: options.signal },
      );
      return (Messages ?? []).map(fromSqs);
    } catch (error) {
      if (options.signal?.aborted) return [];
      throw error;
    }
  }

  private async deleteFrom(url: string, receiptHandles: string[]): Promise<void> {
    for (const group of chunks(receiptHandles)) {
      // Failures are stale handles (the message was received again): nothing to delete then.
      await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: group.map((handle, i) => ({ Id: String(i), ReceiptHandle: handle })),
        }),
      );
    }
  }

  private async counts(url: string) {
    const { Attributes = {} } = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const read = (key: keyof typeof Attributes) => Number(Attributes[key] ?? 0);
    return {
      ApproximateNumberOfMessages: read('ApproximateNumberOfMessages'),
      ApproximateNumberOfMessagesNotVisible: read('ApproximateNumberOfMessagesNotVisible'),
      ApproximateNumberOfMessagesDelayed: read('ApproximateNumberOfMessagesDelayed'),
    };
  }
}

function toEntry(target: SqsQueue, message: OutgoingMessage, id: string): SendMessageBatchRequestEntry {
  checkOutgoing(message, target.fifo);
  if (target.fifo) {
    return {
      Id: id,
      MessageBody: message.body,
      MessageGroupId: message.groupId ?? 'default',
      // Without an explicit id every message is distinct (no content-based deduplication).
      MessageDeduplicationId: message.deduplicationId ?? randomUUID(),
    };
  }
  return {
    Id: id,
    MessageBody: message.body,
    DelaySeconds: message.delaySeconds ? Math.ceil(message.delaySeconds) : undefined,
  };
}

function fromSqs(message: Message): QueueMessage {
  const attributes = message.Attributes ?? {};
  return {
    id: message.MessageId ?? '',
    body: message.Body ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 1),
    groupId: attributes.MessageGroupId,
    sentAt: new Date(Number(attributes.SentTimestamp ?? Date.now())),
  };
}

/** The SQS client from configuration; credentials come from the AWS default provider chain. */
export function createSqsClient(config: { AWS_REGION: string; SQS_ENDPOINT?: string }): SQSClient {
  return new SQSClient({ region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT });
}
