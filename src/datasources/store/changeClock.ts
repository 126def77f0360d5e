import type { ChangeStream, Db } from './port';

/**
 * Where each collection's committed changes stand, read synchronously: a position that moves
 * whenever a change to the collection commits. A figure computed from a collection stays true
 * while its position has not moved (what the response cache relies on).
 */
export interface ChangeClock {
  /** Undefined while changes to `collection` cannot be followed (a stream not open yet). */
  position(collection: string): number | undefined;
  close(): Promise<void>;
}

/** The embedded engine's own counts, moved by each write call as it commits (embedded/changeCounts.ts). */
export function countedChangeClock(counts: { of(collection: string): number }): ChangeClock {
  return {
    position: (collection) => counts.of(collection),
    close: async () => {},
  };
}

/** Pause before reopening a change stream that failed: doubled at each failure in a row, up to a minute. */
const REOPEN_DELAY_MS = { first: 1000, most: 60_000 };

/**
 * A change clock from the store's change streams (MongoDB): one stream per collection asked
 * about, opened on its first question. A position exists only while its stream is open; each
 * change event moves it, and so does every (re)opening, since changes made while no stream was
 * open are unknown. Positions lag commits by the stream's delivery time (milliseconds on a
 * healthy replica set), the only window in which a reader may see an older figure.
 */
export function watchedChangeClock(db: Db, onError: (error: unknown) => void): ChangeClock {
  /** Only ever grows, so a position once given is never given again for other contents. */
  const counts = new Map<string, number>();
  const following = new Set<string>();
  const open = new Set<string>();
  const advance = (collection: string) => counts.set(collection, (counts.get(collection) ?? 0) + 1);
  const streams = new Set<ChangeStream>();
  let closed = false;

  const follow = async (collection: string) => {
    let delay = REOPEN_DELAY_MS.first;
    while (!closed) {
      let stream: ChangeStream | undefined;
      try {
        stream = db.collection(collection).watch();
        streams.add(stream);
        // tryNext opens the stream's cursor: from then on no change is missed.
        await stream.tryNext();
        advance(collection);
        open.add(collection);
        delay = REOPEN_DELAY_MS.first;
        while (!closed) {
          await stream.next();
          advance(collection);
        }
      } catch (error) {
        if (closed) return;
        open.delete(collection);
        advance(collection);
        onError(error);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        delay = Math.min(delay * 2, REOPEN_DELAY_MS.most);
      } finally {
        if (stream) {
          streams.delete(stream);
          await stream.close().catch(() => {});
        }
      }
    }
  };

  return {
    position(collection) {
      if (!following.has(collection) && !closed) {
        following.add(collection);
        void follow(collection);
      }
      return open.has(collection) ? counts.get(collection) : undefined;
    },
    async close() {
      closed = true;
      await Promise.all([...streams].map((stream) => stream.close().catch(() => {})));
    },
  };
}
