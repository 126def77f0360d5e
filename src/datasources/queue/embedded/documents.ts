import type { QueueMessage } from '../port';

/** Collections of the embedded queue engine (indexes in src/datasources/store/indexes.ts). */
export const MESSAGES = 'queue_messages';
/** Each message's body, under the message's _id: claims and visibility changes never rewrite it. */
export const BODIES = 'queue_bodies';
export const DEFINITIONS = 'queue_definitions';
export const DEDUPLICATION = 'queue_deduplication';
/** One document per queue, bumped after sends, that other processes' long polls watch. */
export const SIGNALS = 'queue_signals';

/**
 * A message's delivery state as stored: the queue it is in now (a dead-lettered message moves to
 * `<name>-dlq`). Its body is a document of its own in BODIES: a receive, a visibility change or a
 * dead-lettering then rewrites this small document, never the body, however large.
 */
export interface MessageDocument {
  /** ObjectId hex: ordered by send time within a process, the FIFO order of a group. */
  _id: string;
  queue: string;
  /** Only in messages stored before bodies had their own documents. */
  body?: string;
  groupId?: string;
  sentAt: Date;
  /** Receivable from this time on; in the future while delayed or in flight. */
  visibleAt: Date;
  receiveCount: number;
  /** Token of the latest receive; receipt handles carry it so stale ones do nothing. */
  receipt?: string;
}

export interface BodyDocument {
  /** The message's _id. */
  _id: string;
  body: string;
}

export interface QueueDefinition {
  _id: string;
  fifo: boolean;
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
  deadLetterQueue?: string;
}

export interface DeduplicationDocument {
  /** `<queue>\u0000<deduplication id>` */
  _id: string;
  messageId: string;
  expiresAt: Date;
}

export interface SignalDocument {
  /** The queue's name. */
  _id: string;
  /** Signals written so far: each write changes the document, so each raises a change event. */
  sends: number;
}

export const receiptHandleOf = (doc: Pick<MessageDocument, '_id' | 'receipt'>) => `${doc._id}.${doc.receipt}`;

export function parseReceiptHandle(handle: string): { _id: string; receipt: string } | null {
  const dot = handle.indexOf('.');
  if (dot <= 0) return null;
  return { _id: handle.slice(0, dot), receipt: handle.slice(dot + 1) };
}

export function toQueueMessage(doc: MessageDocument, body: string): QueueMessage {
  return {
    id: doc._id,
    body,
    receiptHandle: receiptHandleOf(doc),
    receiveCount: doc.receiveCount,
    groupId: doc.groupId,
    sentAt: doc.sentAt,
  };
}
