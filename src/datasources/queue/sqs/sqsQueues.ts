import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  checkQueueName,
  deadLetterQueueName,
  DEFAULT_MAX_RECEIVE_COUNT,
  DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
  QueueError,
  type EnsureQueueOptions,
} from '../port';

/** An SQS queue as the engine addresses it. */
export interface SqsQueue {
  url: string;
  fifo: boolean;
  /** Present when a redrive policy names a dead-letter queue. */
  deadLetterUrl?: string;
}

/**
 * Maps logical queue names to SQS queues: `<QUEUE_PREFIX><name>[.fifo]`, dead-letter queue
 * `<QUEUE_PREFIX><name>-dlq[.fifo]`. Resolved queues are cached for the process's lifetime.
 */
export class SqsQueueDirectory {
  private readonly resolved = new Map<string, Promise<SqsQueue>>();

  constructor(
    private readonly client: SQSClient,
    private readonly prefix: string,
  ) {}

  physicalName(name: string, fifo: boolean): string {
    return `${this.prefix}${name}${fifo ? '.fifo' : ''}`;
  }

  async ensure(name: string, options: EnsureQueueOptions): Promise<void> {
    checkQueueName(name);
    const fifo = options.fifo ?? false;
    const attributes: Record<string, string> = {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS),
    };
    if (fifo) attributes.FifoQueue = 'true';
    let deadLetterUrl: string | undefined;
    if (options.deadLetter ?? true) {
      deadLetterUrl = await this.create(
        this.physicalName(deadLetterQueueName(name), fifo),
        fifo ? { FifoQueue: 'true' } : {},
      );
      const arn = await this.arnOf(deadLetterUrl);
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: arn,
        maxReceiveCount: String(options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT),
      });
    }
    const url = await this.create(this.physicalName(name, fifo), attributes);
    this.resolved.set(name, Promise.resolve({ url, fifo, deadLetterUrl }));
  }

  /** The queue behind a logical name, looked up once (standard first, then .fifo). */
  resolve(name: string): Promise<SqsQueue> {
    let queue = this.resolved.get(name);
    if (!queue) {
      queue = this.lookUp(name);
      this.resolved.set(name, queue);
      queue.catch(() => this.resolved.delete(name));
    }
    return queue;
  }

  private async lookUp(name: string): Promise<SqsQueue> {
    checkQueueName(name);
    for (const fifo of [false, true]) {
      const url = await this.urlOf(this.physicalName(name, fifo));
      if (!url) continue;
      const { Attributes } = await this.client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
      );
      const policy = Attributes?.RedrivePolicy
        ? (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string })
        : {};
      const deadLetterName = policy.deadLetterTargetArn?.split(':').pop();
      const deadLetterUrl = deadLetterName ? await this.urlOf(deadLetterName) : undefined;
      return { url, fifo, deadLetterUrl };
    }
    throw new QueueError(`queue ${name} does not exist; ensureQueue() creates it`, 'QUEUE_NOT_FOUND');
  }

  private async urlOf(physicalName: string): Promise<string | undefined> {
    try {
      const { QueueUrl } = await this.client.send(new GetQueueUrlCommand({ QueueName: physicalName }));
      return QueueUrl;
    } catch (error) {
      if (isQueueMissing(error)) return undefined;
      throw error;
    }
  }

  /** CreateQueue, or SetQueueAttributes when the queue exists with other attributes. */
  private async create(physicalName: string, attributes: Record<string, string>): Promise<string> {
    try {
      const { QueueUrl } = await this.client.send(
        new CreateQueueCommand({ QueueName: physicalName, Attributes: attributes }),
      );
      if (!QueueUrl) throw new QueueError(`SQS returned no URL for ${physicalName}`);
      return QueueUrl;
    } catch (error) {
      if (!(error instanceof QueueNameExists) && (error as Error).name !== 'QueueAlreadyExists') throw error;
      const url = await this.urlOf(physicalName);
      if (!url) throw error;
      const { FifoQueue: _immutable, ...changeable } = attributes;
      await this.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: changeable }));
      return url;
    }
  }

  private async arnOf(url: string): Promise<string> {
    const { Attributes } = await this.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    if (!Attributes?.QueueArn) throw new QueueError(`SQS returned no ARN for ${url}`);
    return Attributes.QueueArn;
  }
}

export function isQueueMissing(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  return name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue';
}
