import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Db } from '../../store';
import {
  OUTBOX_COLLECTION,
  isDuplicateKeyError,
  type MessagingPort,
  type OutboundMessage,
  type OutboxDocument,
  type SendOptions,
  type SendResult,
} from '../port';

/** SES message tags allow only these characters (and 256 of them). */
const tagValue = (value: string) => value.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 256);

/**
 * Amazon SES v2. SES has no idempotency key, so the outbox collection is the ledger: the intent
 * is written first (SENDING, unique by key), then SES is called, then the entry is marked SENT.
 * A crash between the SES call and the mark leaves SENDING behind; a later send with that key
 * does not call SES again (a duplicate e-mail is worse than one unconfirmed) and reports
 * UNCERTAIN, so operators can see exactly which recipients fell in that window.
 */
export class SesMessaging implements MessagingPort {
  readonly engine = 'ses' as const;

  constructor(
    private readonly client: SESv2Client,
    private readonly db: Db,
    private readonly defaultFrom: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async send(message: OutboundMessage, { idempotencyKey }: SendOptions): Promise<SendResult> {
    if (message.channel !== 'EMAIL') throw new Error(`The SES engine sends e-mail only, not ${message.channel}`);
    const outbox = this.db.collection<OutboxDocument>(OUTBOX_COLLECTION);
    const from = message.from ?? this.defaultFrom;
    try {
      await outbox.insertOne({
        ...message,
        from,
        _id: idempotencyKey,
        engine: 'ses',
        status: 'SENDING',
        createdAt: this.clock(),
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return this.previousOutcome(idempotencyKey);
    }
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject ?? '', Charset: 'UTF-8' },
            Body: {
              ...(message.html !== undefined ? { Html: { Data: message.html, Charset: 'UTF-8' } } : {}),
              ...(message.text !== undefined ? { Text: { Data: message.text, Charset: 'UTF-8' } } : {}),
            },
          },
        },
        EmailTags: Object.entries(message.metadata).map(([Name, Value]) => ({
          Name: tagValue(Name),
          Value: tagValue(Value),
        })),
      }),
    );
    await outbox.updateOne(
      { _id: idempotencyKey },
      { $set: { status: 'SENT', providerMessageId: out.MessageId, sentAt: this.clock() } },
    );
    return { id: idempotencyKey, status: 'SENT', duplicate: false, providerMessageId: out.MessageId };
  }

  private async previousOutcome(idempotencyKey: string): Promise<SendResult> {
    const outbox = this.db.collection<OutboxDocument>(OUTBOX_COLLECTION);
    const existing = await outbox.findOne({ _id: idempotencyKey });
    if (existing?.status === 'SENT') {
      return { id: idempotencyKey, status: 'SENT', duplicate: true, providerMessageId: existing.providerMessageId };
    }
    await outbox.updateOne({ _id: idempotencyKey, status: 'SENDING' }, { $set: { status: 'UNCERTAIN' } });
    return { id: idempotencyKey, status: 'UNCERTAIN', duplicate: true };
  }
}
