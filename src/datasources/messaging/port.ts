/**
 * A message leaving the service, the same shape for every channel so campaign e-mails and the
 * fan SMS waves share one port.
 */
export type MessageChannel = 'EMAIL' | 'SMS';

export interface OutboundMessage {
  channel: MessageChannel;
  /** E-mail address or E.164 phone number. */
  to: string;
  /** Sender address; the engine's default (SES_FROM_ADDRESS) when absent. */
  from?: string;
  subject?: string;
  html?: string;
  text?: string;
  /** Ids that let a delivery be traced back (campaignId, recipientId, waveId...). */
  metadata: Record<string, string>;
}

export interface SendOptions {
  /**
   * One key per intended delivery (a campaign recipient's id, for instance). A second send with
   * the same key never delivers again: it answers the first send's outcome.
   */
  idempotencyKey: string;
}

export type DeliveryStatus = 'SENT' | 'UNCERTAIN';

export interface SendResult {
  /** The outbox entry's id (the idempotency key). */
  id: string;
  status: DeliveryStatus;
  /** True when this key was already sent (or attempted) before this call. */
  duplicate: boolean;
  /** The provider's message id (SES MessageId), when there is a provider. */
  providerMessageId?: string;
}

export interface MessagingPort {
  readonly engine: 'outbox' | 'ses';
  send(message: OutboundMessage, options: SendOptions): Promise<SendResult>;
}

/** The stored outbox entry, as the `outbox` GraphQL query reads it. */
export interface OutboxDocument extends OutboundMessage {
  _id: string;
  engine: 'outbox' | 'ses';
  /** SENDING while a provider call is in flight; UNCERTAIN when a crash left it unknown. */
  status: 'SENDING' | 'SENT' | 'UNCERTAIN';
  providerMessageId?: string;
  createdAt: Date;
  sentAt?: Date;
}

export const OUTBOX_COLLECTION = 'outbox';

export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}
