import { EventEmitter } from 'node:events';
import type { App } from '../app';
import type { Principal } from '../auth/roles';

/** One graphql-ws connection, as features see it. */
export interface SocketInfo {
  /** Unique per connection; a client that reconnects gets a new one. */
  socketId: string;
  /** The caller identified by connectionParams.authorization (null when anonymous). */
  principal: Principal | null;
}

export interface SocketEventMap {
  /** The connection was acknowledged (its key checked). */
  connected: [SocketInfo];
  /** The connection closed, for any reason (client left, network lost, server stopping). */
  closed: [SocketInfo & { code: number }];
}

const emitters = new WeakMap<App, EventEmitter<SocketEventMap>>();

/**
 * The WebSocket lifecycle events of one service instance, for features that track presence
 * (e.g. agents going offline when their last socket closes):
 * `socketEvents(app).on('closed', ({ principal }) => ...)`. Keyed by App so two service
 * instances in one process (tests) never see each other's sockets.
 */
export function socketEvents(app: App): EventEmitter<SocketEventMap> {
  let emitter = emitters.get(app);
  if (!emitter) {
    emitter = new EventEmitter<SocketEventMap>();
    emitters.set(app, emitter);
  }
  return emitter;
}
