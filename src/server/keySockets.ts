import { CloseCode } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { App } from '../app';
import { isApiKeyLive } from '../auth/apiKeys';
import { watchKeyRevocations, type KeyRevocations } from '../auth/keyRevocations';

const REVOKED = 'The API key of this connection was revoked';

/**
 * The open sockets of each API key on this instance. A socket's key is checked when it opens and
 * before each new operation, but a subscription runs for hours: revoking a key on any instance
 * closes its sockets here with 4403 Forbidden, which ends their subscriptions.
 */
export class KeySockets {
  private readonly byKey = new Map<string, Set<WebSocket>>();
  private readonly revocations: KeyRevocations;

  constructor(private readonly app: App) {
    this.revocations = watchKeyRevocations(app.db, {
      onRevoked: (keyId) => this.closeKey(keyId),
      onReopened: () => void this.closeRevoked(),
      onError: (error) =>
        app.logger.warn({ err: error }, 'the API key change stream failed; it opens again in a second'),
    });
  }

  add(keyId: string, socket: WebSocket): void {
    const sockets = this.byKey.get(keyId) ?? new Set<WebSocket>();
    sockets.add(socket);
    this.byKey.set(keyId, sockets);
  }

  remove(keyId: string, socket: WebSocket): void {
    const sockets = this.byKey.get(keyId);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.byKey.delete(keyId);
  }

  /** Stops following revocations; the sockets themselves are graphql-ws's to close. */
  close(): Promise<void> {
    return this.revocations.close();
  }

  private closeKey(keyId: string): void {
    const sockets = this.byKey.get(keyId);
    if (!sockets) return;
    this.byKey.delete(keyId);
    for (const socket of sockets) socket.close(CloseCode.Forbidden, REVOKED);
    this.app.logger.info({ apiKeyId: keyId, sockets: sockets.size }, 'closed the sockets of a revoked API key');
  }

  /** After the change stream failed: revocations may have been missed meanwhile. */
  private async closeRevoked(): Promise<void> {
    try {
      for (const keyId of [...this.byKey.keys()]) {
        if (!(await isApiKeyLive(this.app.db, keyId))) this.closeKey(keyId);
      }
    } catch (error) {
      this.app.logger.warn({ err: error }, 'could not check the keys of open sockets');
    }
  }
}
