import type { SmsEvent, SmsEventHandler } from './port';

/**
 * The handlers the domain registered with `onEvent`, shared by every engine. Each event goes to
 * every handler in turn; the first that throws stops the dispatch and the error reaches the
 * engine, which leaves the event to come again. With no handler registered nothing is taken:
 * an event read and dropped would be lost for good.
 */
export class SmsEventHub {
  private readonly handlers = new Set<SmsEventHandler>();

  onEvent(handler: SmsEventHandler): () => void {
    this.handlers.add(handler);
    return () => {
      this.handlers.delete(handler);
    };
  }

  get listening(): boolean {
    return this.handlers.size > 0;
  }

  async dispatch(events: readonly SmsEvent[]): Promise<void> {
    if (events.length > 0 && !this.listening) throw new Error('No SMS event handler is registered');
    for (const event of events) {
      for (const handler of [...this.handlers]) await handler(event);
    }
  }
}
