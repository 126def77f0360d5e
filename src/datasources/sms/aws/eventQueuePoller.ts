import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../../logger';
import type { QueueMessage, QueuePort } from '../../queue/port';
import type { SmsEventHub } from '../eventHub';
import type { SmsEvent } from '../port';

export interface EventQueuePollerOptions {
  queue: QueuePort;
  name: string;
  parse: (body: string, receivedAt: Date) => SmsEvent[];
  hub: SmsEventHub;
  /** Long poll of each receive (SQS: 0..20 s). */
  waitSeconds: number;
  /** A message taken and not deleted (its handler failed) comes back after this. */
  visibilityTimeoutSeconds: number;
  /** Pause after a failed receive, and while no handler is registered. */
  idleMs: number;
  logger?: Logger;
}

/**
 * Reads one queue of provider events until stopped. A message is deleted only once every
 * handler took its events; a handler that throws leaves it to come back after its visibility
 * timeout (and to the dead-letter queue after the queue's maxReceiveCount). A body that is not an
 * event at all goes to the dead-letter queue at once, where an operator can read it.
 */
export class EventQueuePoller {
  private readonly abort = new AbortController();
  private loop?: Promise<void>;

  constructor(private readonly options: EventQueuePollerOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { queue, name, hub, waitSeconds, visibilityTimeoutSeconds, idleMs, logger } = this.options;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      if (!hub.listening) {
        await pause(idleMs, signal);
        continue;
      }
      let messages: QueueMessage[];
      try {
        messages = await queue.receive(name, { maxMessages: 10, waitSeconds, visibilityTimeoutSeconds, signal });
      } catch (error) {
        logger?.error({ err: error, queue: name }, 'SMS events: receive failed');
        await pause(idleMs, signal);
        continue;
      }
      for (const message of messages) await this.handle(message);
    }
  }

  private async handle(message: QueueMessage): Promise<void> {
    const { queue, name, parse, hub, logger } = this.options;
    let events: SmsEvent[];
    try {
      events = parse(message.body, message.sentAt);
    } catch (error) {
      logger?.warn({ err: error, queue: name, messageId: message.id }, 'SMS events: not an event, dead-lettered');
      await queue.deadLetter(name, message).catch((failure: unknown) => {
        logger?.error({ err: failure, queue: name }, 'SMS events: dead-lettering failed');
      });
      return;
    }
    try {
      await hub.dispatch(events);
      await queue.delete(name, message.receiptHandle);
    } catch (error) {
      logger?.warn({ err: error, queue: name, messageId: message.id }, 'SMS events: not taken, will come again');
    }
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
