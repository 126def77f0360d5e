import type { ChangeStream, ChangeStreamDocument, Db } from '../datasources/store';
import { API_KEYS_COLLECTION, type ApiKeyDocument } from './apiKeys';

/** How long a failed change stream waits before it is opened again. */
const REOPEN_DELAY_MS = 1000;

type KeyChange = ChangeStreamDocument<ApiKeyDocument>;

/** What a change does to a key: takes it away (revoked, deleted), or sets when it expires (now or later). */
type KeyEvent = { keyId: string; revoked: true } | { keyId: string; expiresAt: Date };

function keyEventOf(change: KeyChange): KeyEvent | undefined {
  let fields: Partial<ApiKeyDocument> | undefined;
  switch (change.operationType) {
    case 'delete':
      return { keyId: change.documentKey._id, revoked: true };
    case 'update':
      fields = change.updateDescription.updatedFields;
      break;
    case 'replace':
      fields = change.fullDocument;
      break;
    default:
      return undefined;
  }
  const keyId = change.documentKey._id;
  if (fields?.revokedAt) return { keyId, revoked: true };
  return fields?.expiresAt instanceof Date ? { keyId, expiresAt: fields.expiresAt } : undefined;
}

export interface KeyRevocationHandlers {
  /** A key was revoked or deleted, by this instance or another on the same store. */
  onRevoked(keyId: string): void;
  /** A key was given a time to expire, maybe already past (a rotation's grace period). */
  onExpiresAt?(keyId: string, expiresAt: Date): void;
  /**
   * The stream failed and was opened again: revocations meanwhile were missed, so whoever relies
   * on keys being live checks them now.
   */
  onReopened(): void;
  onError(error: Error): void;
}

export interface KeyRevocations {
  close(): Promise<void>;
}

/**
 * Follows API key revocations and expiries through the store's change stream (MongoDB change streams, or the
 * embedded engine's oplog, which sees other processes' writes too), so that every instance hears
 * of a revocation within moments, whichever instance made it.
 */
export function watchKeyRevocations(db: Db, handlers: KeyRevocationHandlers): KeyRevocations {
  let stream: ChangeStream<ApiKeyDocument, KeyChange> | undefined;
  let reopening: NodeJS.Timeout | undefined;
  let closed = false;

  const failed = (error: Error, failing?: ChangeStream<ApiKeyDocument, KeyChange>) => {
    handlers.onError(error);
    void failing?.close().catch(() => undefined);
    if (closed || stream !== failing || reopening) return;
    reopening = setTimeout(() => open(true), REOPEN_DELAY_MS);
    // Waiting to reopen is no reason to keep a stopping process alive.
    reopening.unref();
  };

  const open = (reopened: boolean) => {
    reopening = undefined;
    if (closed) return;
    stream = undefined;
    let current: ChangeStream<ApiKeyDocument, KeyChange>;
    try {
      current = db
        .collection<ApiKeyDocument>(API_KEYS_COLLECTION)
        .watch<ApiKeyDocument, KeyChange>([{ $match: { operationType: { $in: ['update', 'replace', 'delete'] } } }]);
    } catch (error) {
      failed(error as Error);
      return;
    }
    stream = current;
    current.on('change', (change) => {
      const event = keyEventOf(change);
      if (!event) return;
      if ('revoked' in event) handlers.onRevoked(event.keyId);
      else handlers.onExpiresAt?.(event.keyId, event.expiresAt);
    });
    current.on('error', (error) => failed(error, current));
    if (reopened) handlers.onReopened();
  };
  open(false);

  return {
    async close() {
      closed = true;
      if (reopening) clearTimeout(reopening);
      await stream?.close();
    },
  };
}
