import { type PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { Logger } from '../../../logger';
import type { QueuePort } from '../../queue/port';
import { SmsEventHub } from '../eventHub';
import {
  SmsSendError,
  type SentSmsRecord,
  type SmsEvent,
  type SmsEventHandler,
  type SmsMessage,
  type SmsPort,
  type SmsSendResult,
} from '../port';
import { smsBodyProblem } from '../segments';
import { webhooksNotTaken } from '../webhookErrors';
import { parseAwsSmsNotification } from './awsEvents';
import { awsSendError } from './awsErrors';
import { EventQueuePoller } from './eventQueuePoller';

export interface AwsSmsOptions {
  /** Built with maxAttempts 1: the SDK must not retry a send on its own (see SmsPort). */
  client: PinpointSMSVoiceV2Client;
  queue: QueuePort;
  /** Queue subscribed (through SNS) to the configuration set's event destination. */
  eventsQueue: string;
  /** Queue subscribed to the two-way SMS topic, when it is not the events queue. */
  inboundQueue?: string;
  /** Its event destination is what publishes receipts; without one no receipt ever comes. */
  configurationSet?: string;
  /** Long poll of each receive (default 20 s). */
  waitSeconds?: number;
  /** An event a handler refused comes again after this (default 30 s). */
  visibilityTimeoutSeconds?: number;
  idleMs?: number;
  logger?: Logger;
}

/**
 * AWS End User Messaging SMS. SendTextMessage takes no idempotency key, so the key rides in
 * Context, which every event of the message carries back. Receipts and inbound texts are read
 * from the queue port (SQS in production) by a poller per queue.
 */
export class AwsSms implements SmsPort {
  readonly engine = 'aws' as const;
  private readonly hub = new SmsEventHub();
  private readonly queues: string[];
  private readonly pollers: EventQueuePoller[];

  constructor(private readonly options: AwsSmsOptions) {
    this.queues = [...new Set([options.eventsQueue, options.inboundQueue ?? options.eventsQueue])];
    this.pollers = this.queues.map(
      (name) =>
        new EventQueuePoller({
          queue: options.queue,
          name,
          parse: parseAwsSmsNotification,
          hub: this.hub,
          waitSeconds: options.waitSeconds ?? 20,
          visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
          idleMs: options.idleMs ?? 1000,
          logger: options.logger,
        }),
    );
  }

  async send(message: SmsMessage): Promise<SmsSendResult> {
    const problem = smsBodyProblem(message.body);
    if (problem) throw new SmsSendError(problem, { code: 'BODY', reason: 'REJECTED', mayHaveSent: false });
    let messageId: string | undefined;
    try {
      const answer = await this.options.client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: message.to,
          OriginationIdentity: message.sender,
          MessageBody: message.body,
          MessageType: message.messageType,
          TimeToLive: message.validitySeconds,
          ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
          Context: { idempotencyKey: message.idempotencyKey },
        }),
      );
      messageId = answer.MessageId;
    } catch (error) {
      throw awsSendError(error);
    }
    if (!messageId) {
      throw new SmsSendError('End User Messaging SMS answered without a MessageId', {
        code: 'NoMessageId',
        reason: 'PROVIDER_ERROR',
        mayHaveSent: true,
      });
    }
    return { providerMessageId: messageId, status: 'QUEUED' };
  }

  /** End User Messaging SMS has no API that lists sent messages. */
  async findSentSince(): Promise<SentSmsRecord[] | null> {
    return null;
  }

  onEvent(handler: SmsEventHandler): () => void {
    return this.hub.onEvent(handler);
  }

  handleWebhook(): Promise<SmsEvent[]> {
    return Promise.reject(webhooksNotTaken('aws'));
  }

  async start(): Promise<void> {
    for (const name of this.queues) await this.options.queue.ensureQueue(name);
    for (const poller of this.pollers) poller.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.pollers.map((poller) => poller.stop()));
  }
}
