import { CloseCode } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { App } from '../app';
import { isApiKeyLive } from '../auth/apiKeys';
import { watchKeyRevocations, type KeyRevocations } from '../auth/keyRevocations';

const REVOKED = 'The API key of this connection was revoked';
const EXPIRED = 'The API key of this connection has expired';
/** setTimeout's longest delay (about 24.8 days); a later expiry is timed again from there. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The open sockets of each API key on this instance. A socket's key is checked when it opens and
 * before each new operation, but a subscription runs for hours: revoking a key on any instance,
 * or its expiry (set at creation or by a rotation on any instance), closes its sockets here with
 * 4403 Forbidden, which ends their subscriptions.
 */
export class KeySockets {
  private readonly byKey = new Map<string, Set<WebSocket>>();
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private readonly revocations: KeyRevocations;

  constructor(private readonly app: App) {
    this.revocations = watchKeyRevocations(app.db, {
      onRevoked: (keyId) => this.closeKey(keyId, REVOKED),
      onExpiresAt: (keyId, expiresAt) => {
        if (this.byKey.has(keyId)) this.expireAt(keyId, expiresAt);
      },
      onReopened: () => void this.closeRevoked(),
      onError: (error) =>
        app.logger.warn({ err: error }, 'the API key change stream failed; it opens again in a second'),
    });
  }

  /** `expiresAt`: when the key expires, as it was when the socket opened. */
  add(keyId: string, socket: WebSocket, expiresAt?: Date): void {
    const sockets = this.byKey.get(keyId) ?? new Set<WebSocket>();
    sockets.add(socket);
    this.byKey.set(keyId, sockets);
    if (expiresAt && !this.expiryTimers.has(keyId)) this.expireAt(keyId, expiresAt);
  }

  remove(keyId: string, socket: WebSocket): void {
    const sockets = this.byKey.get(keyId);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.forget(keyId);
  }

  /** Stops following revocations and expiries; the sockets themselves are graphql-ws's to close. */
  close(): Promise<void> {
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
    return this.revocations.close();
  }

  /** Closes the key's sockets at `expiresAt` (at once when it has passed), in place of any earlier timing. */
  private expireAt(keyId: string, expiresAt: Date): void {
    clearTimeout(this.expiryTimers.get(keyId));
    const delay = expiresAt.getTime() - Date.now();
    if (delay <= 0) {
      this.closeKey(keyId, EXPIRED);
      return;
    }
    const timer = setTimeout(
      () => {
        this.expiryTimers.delete(keyId);
        this.expireAt(keyId, expiresAt);
      },
      Math.min(delay, MAX_TIMER_MS),
    );
    // An expiry to come is no reason to keep a stopping process alive.
    timer.unref();
    this.expiryTimers.set(keyId, timer);
  }

  private forget(keyId: string): void {
    this.byKey.delete(keyId);
    clearTimeout(this.expiryTimers.get(keyId));
    this.expiryTimers.delete(keyId);
  }

  private closeKey(keyId: string, reason: string): void {
    const sockets = this.byKey.get(keyId);
    this.forget(keyId);
    if (!sockets) return;
    for (const socket of sockets) socket.close(CloseCode.Forbidden, reason);
    this.app.logger.info({ apiKeyId: keyId, sockets: sockets.size, reason }, 'closed the sockets of an API key');
  }

  /** After the change stream failed: revocations and rotations may have been missed meanwhile. */
  private async closeRevoked(): Promise<void> {
    try {
      for (const keyId of [...this.byKey.keys()]) {
        if (!(await isApiKeyLive(this.app.db, keyId))) this.closeKey(keyId, REVOKED);
      }
    } catch (error) {
      this.app.logger.warn({ err: error }, 'could not check the keys of open sockets');
    }
  }
}
